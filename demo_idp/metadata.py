"""The discovery document, validated by Authlib so a misconfigured issuer fails at start, not at sign-in."""

from __future__ import annotations

from authlib.oauth2.rfc9207 import AuthorizationServerMetadata as IssuerParameterMetadata
from authlib.oidc import rpinitiated
from authlib.oidc.discovery import OpenIDProviderMetadata

from .claims import CLAIMS_SUPPORTED
from .client import AUTH_METHODS, SCOPES
from .keys import ALGORITHM

ENDPOINTS = {'authorization_endpoint': '/authorize', 'token_endpoint': '/token', 'userinfo_endpoint': '/userinfo',
             'jwks_uri': '/jwks', 'end_session_endpoint': '/logout'}


def provider_metadata(issuer: str) -> dict:
    """OpenID Connect discovery for `issuer`; raises ValueError when Authlib finds it invalid (e.g. plain http)."""
    metadata = OpenIDProviderMetadata(
        issuer=issuer,
        **{name: issuer + path for name, path in ENDPOINTS.items()},
        response_types_supported=['code'],
        response_modes_supported=['query'],
        grant_types_supported=['authorization_code'],
        subject_types_supported=['public'],
        id_token_signing_alg_values_supported=[ALGORITHM],
        scopes_supported=list(SCOPES),
        token_endpoint_auth_methods_supported=list(AUTH_METHODS),
        code_challenge_methods_supported=['S256'],
        claims_supported=list(CLAIMS_SUPPORTED),
        authorization_response_iss_parameter_supported=True,
    )
    metadata.validate(metadata_classes=[rpinitiated.OpenIDProviderMetadata, IssuerParameterMetadata])
    return dict(metadata)

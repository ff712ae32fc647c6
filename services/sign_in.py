"""The OpenID Connect relying party: authorization-code flow with PKCE S256, state, nonce and strict ID-token checks.

Authlib's Starlette client does the protocol; the checks it leaves to the caller are made here: the discovery
issuer must equal the configured one, an ID token must be present, `aud` must hold our client ID, and only
allow-listed signing algorithms count, whatever the provider announces.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.starlette_client import OAuth
from joserfc.errors import JoseError
from starlette.requests import Request

from services.errors import SignInCancelled, SignInRefused, SignInUnavailable
from services.identity import IdentityService
from services.sessions import Session, SessionStore

log = logging.getLogger(__name__)


@dataclass(kw_only=True, frozen=True)
class RelyingPartyConfig:
    issuer: str
    client_id: str
    client_secret: str
    redirect_uri: str
    allowed_algorithms: tuple[str, ...] = ('RS256', 'ES256', 'PS256')
    transport: Any = field(default=None, repr=False)  # an httpx2 transport, to reach the in-process demo provider


class RelyingParty:
    def __init__(self, config: RelyingPartyConfig, identity: IdentityService, sessions: SessionStore) -> None:
        self._config = config
        self._identity = identity
        self._sessions = sessions
        client_kwargs: dict[str, Any] = {'scope': 'openid email profile', 'code_challenge_method': 'S256'}
        if config.transport is not None:
            client_kwargs['transport'] = config.transport
        self._client = OAuth().register(
            'portal', client_id=config.client_id, client_secret=config.client_secret,
            server_metadata_url=f'{config.issuer}/.well-known/openid-configuration', client_kwargs=client_kwargs)

    async def authorization_url(self, request: Request, *, language: str) -> str:
        """Start a sign-in: remember state, nonce and PKCE verifier in the session; return where to send the browser."""
        metadata = await self._metadata()
        result = await self._client.create_authorization_url(self._config.redirect_uri, ui_locales=language)
        await self._client.save_authorize_data(request, redirect_uri=self._config.redirect_uri, **result)
        if 'code_challenge=' not in result['url'] or 'nonce=' not in result['url']:
            raise SignInRefused('authorization request lacks PKCE or nonce')
        log.debug('sign-in started at %s', metadata.get('authorization_endpoint'))
        return result['url']

    async def finish(self, request: Request) -> Session:
        """Complete the callback and start a fresh server-side session, or refuse with a typed error."""
        params = request.query_params
        if params.get('error'):
            if params.get('error') == 'access_denied':
                raise SignInCancelled()
            raise SignInRefused(f'provider answered error {params.get("error")!r}')
        if 'iss' in params and params['iss'] != self._config.issuer:
            raise SignInRefused(f'authorization response from issuer {params["iss"]!r}')
        await self._metadata()
        try:
            token = await self._client.authorize_access_token(request, claims_options={
                'iss': {'essential': True, 'values': [self._config.issuer]},
                'aud': {'essential': True, 'values': [self._config.client_id]},
                'sub': {'essential': True},
            })
        except OAuthError as error:
            raise SignInRefused(f'{error.error}: {error.description}') from None
        except JoseError as error:
            raise SignInRefused(f'ID token rejected: {error.error}: {error.description}') from None
        except Exception as error:
            if _is_http_error(error):
                raise SignInUnavailable(f'token endpoint: {type(error).__name__}') from None
            raise
        claims = token.get('userinfo')
        if not claims:
            raise SignInRefused('token response carried no ID token')
        person = self._identity.person_for(self._config.issuer, claims)
        return self._sessions.start(person, id_token=token.get('id_token'))

    async def end_session_url(self, session: Session | None, post_logout_redirect_uri: str) -> str | None:
        """The provider's RP-initiated logout URL, when it announces one."""
        try:
            metadata = await self._metadata()
        except (SignInRefused, SignInUnavailable):
            return None
        endpoint = metadata.get('end_session_endpoint')
        if not endpoint:
            return None
        query = {'client_id': self._config.client_id, 'post_logout_redirect_uri': post_logout_redirect_uri}
        if session is not None and session.id_token:
            query['id_token_hint'] = session.id_token
        return f'{endpoint}{"&" if "?" in endpoint else "?"}{urlencode(query)}'

    async def _metadata(self) -> dict[str, Any]:
        try:
            metadata = await self._client.load_server_metadata()
        except Exception as error:
            self._client.server_metadata.pop('_loaded_at', None)
            if _is_http_error(error) or isinstance(error, ValueError):
                raise SignInUnavailable(f'discovery: {type(error).__name__}') from None
            raise
        if metadata.get('issuer') != self._config.issuer:
            self._client.server_metadata.clear()
            raise SignInRefused(f'discovery issuer {metadata.get("issuer")!r} is not the configured issuer')
        metadata['id_token_signing_alg_values_supported'] = list(self._config.allowed_algorithms)
        return metadata


def _is_http_error(error: Exception) -> bool:
    return type(error).__module__.split('.')[0] in {'httpx', 'httpx2', 'httpcore', 'httpcore2'}

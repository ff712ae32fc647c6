"""A small OpenID Connect provider for tests that auto-approves, signs with real keys and misbehaves on request.

Tests change `provider.settings` to make it lie (see the knobs below) and read its counters and records to see
what the relying party asked for.
"""

from __future__ import annotations

import base64
import hmac
import secrets
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlencode

from starlette.applications import Starlette
from starlette.datastructures import FormData, Headers
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from tests.security.fake_tokens import DROP, FORGED_ALGORITHMS, Signing, SigningKeys, mint_id_token, s256_challenge

PROVIDER_URL = 'https://idp.example.test'
TENANT = 'contoso-tenant'
SUBJECT = 'alice-0001'


@dataclass(kw_only=True)
class ProviderSettings:
    issuer: str
    client_id: str
    client_secret: str
    redirect_uri: str
    token_auth_method: str = 'client_secret_basic'  # the only client authentication the token endpoint accepts
    # what discovery lists as `token_endpoint_auth_methods_supported`; None leaves the field out
    advertised_auth_methods: list[str] | None = field(
        default_factory=lambda: ['client_secret_basic', 'client_secret_post'])
    extra_discovery: dict[str, Any] = field(default_factory=dict)  # more (or overriding) discovery entries
    signing: Signing = 'good'
    claim_changes: dict[str, Any] = field(default_factory=dict)  # ID-token claims to set, or DROP to leave out
    without_kid: bool = False  # JWKS holds the current key alone without kid; tokens carry no kid header
    omit_id_token: bool = False
    userinfo_subject: str | None = None  # a `sub` for the userinfo answer other than the ID token's
    announce_userinfo: bool = True
    discovery_issuer: str | None = None  # an `issuer` for the discovery document other than `issuer`
    deny: bool = False  # answer the authorization request with error=access_denied
    response_issuer: str | None = ''  # the `iss` authorization-response parameter: '' means `issuer`, None none


@dataclass(kw_only=True)
class Grant:
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    redirect_uri: str
    redeemed: bool = False


@dataclass(frozen=True)
class TokenRequest:
    authorization_scheme: str | None  # of the Authorization header, lower case; None without one
    form_fields: frozenset[str]


class FakeProvider:
    def __init__(self, settings: ProviderSettings) -> None:
        self.settings = settings
        self.keys = SigningKeys()
        self.discovery_fetches = self.jwks_fetches = self.token_calls = self.userinfo_calls = 0
        self.authorization_requests: list[dict[str, str]] = []
        self.token_auth_methods: list[str] = []  # how the client authenticated at each token call
        self.token_requests: list[TokenRequest] = []  # where each token call carried the client's credentials
        self.token_refusals: list[str] = []  # why the token endpoint refused, one entry per refusal
        self._grants: dict[str, Grant] = {}
        self._access_tokens: set[str] = set()
        self.app = Starlette(routes=[
            Route('/.well-known/openid-configuration', self._discovery),
            Route('/{prefix:path}/.well-known/openid-configuration', self._discovery),  # Entra's /{tenant}/v2.0
            Route('/jwks', self._jwks),
            Route('/authorize', self._authorize),
            Route('/token', self._token, methods=['POST']),
            Route('/userinfo', self._userinfo, methods=['GET', 'POST']),
        ])

    def id_token_claims(self, grant: Grant) -> dict[str, Any]:
        now = int(time.time())
        claims: dict[str, Any] = {
            'iss': self.settings.issuer.replace('{tenantid}', TENANT), 'sub': SUBJECT,
            'aud': self.settings.client_id, 'exp': now + 300, 'iat': now, 'auth_time': now, 'nonce': grant.nonce,
            'name': 'Alice Example', 'email': 'alice@contoso.example', 'tid': TENANT}
        for name, value in self.settings.claim_changes.items():
            if value is DROP:
                claims.pop(name, None)
            else:
                claims[name] = value
        return claims

    async def _discovery(self, request: Request) -> Response:
        self.discovery_fetches += 1
        settings = self.settings
        metadata = {
            'issuer': settings.discovery_issuer or settings.issuer,
            'authorization_endpoint': f'{PROVIDER_URL}/authorize',
            'token_endpoint': f'{PROVIDER_URL}/token',
            'jwks_uri': f'{PROVIDER_URL}/jwks',
            'response_types_supported': ['code'],
            'subject_types_supported': ['public'],
            'scopes_supported': ['openid', 'email', 'profile'],
            'id_token_signing_alg_values_supported': self._announced_algorithms(),
            'code_challenge_methods_supported': ['S256'],
            'authorization_response_iss_parameter_supported': settings.response_issuer is not None,
        }
        if settings.advertised_auth_methods is not None:
            metadata['token_endpoint_auth_methods_supported'] = settings.advertised_auth_methods
        metadata.update(settings.extra_discovery)
        if settings.announce_userinfo:
            metadata['userinfo_endpoint'] = f'{PROVIDER_URL}/userinfo'
        return JSONResponse(metadata)

    async def _jwks(self, request: Request) -> Response:
        self.jwks_fetches += 1
        return JSONResponse(self.keys.jwks(without_kid=self.settings.without_kid))

    async def _authorize(self, request: Request) -> Response:
        query = dict(request.query_params)
        self.authorization_requests.append(query)
        settings = self.settings
        if query.get('client_id') != settings.client_id or query.get('redirect_uri') != settings.redirect_uri:
            return PlainTextResponse('unknown client or redirect_uri', status_code=400)
        answer = {'error': 'access_denied'} if settings.deny else {'code': self._grant_code(query)}
        if 'state' in query:
            answer['state'] = query['state']
        if settings.response_issuer is not None:
            answer['iss'] = settings.response_issuer or settings.issuer
        return RedirectResponse(f'{settings.redirect_uri}?{urlencode(answer)}', status_code=302)

    async def _token(self, request: Request) -> Response:
        self.token_calls += 1
        form = await request.form()
        self.token_requests.append(TokenRequest(
            authorization_scheme=request.headers.get('authorization', '').partition(' ')[0].lower() or None,
            form_fields=frozenset(form.keys())))
        refusal = self._token_refusal(request.headers, form)
        if refusal:
            self.token_refusals.append(refusal[1])
            return JSONResponse({'error': refusal[0], 'error_description': refusal[1]},
                                status_code=401 if refusal[0] == 'invalid_client' else 400)
        access_token = secrets.token_urlsafe(24)
        self._access_tokens.add(access_token)
        body = {'access_token': access_token, 'token_type': 'Bearer', 'expires_in': 3600,
                'scope': 'openid email profile'}
        if not self.settings.omit_id_token:
            body['id_token'] = mint_id_token(
                self.id_token_claims(self._grants[str(form['code'])]), self.keys, signing=self.settings.signing,
                without_kid=self.settings.without_kid, client_secret=self.settings.client_secret)
        return JSONResponse(body, headers={'cache-control': 'no-store'})

    async def _userinfo(self, request: Request) -> Response:
        self.userinfo_calls += 1
        token = request.headers.get('authorization', '').removeprefix('Bearer ')
        if token not in self._access_tokens:
            return JSONResponse({'error': 'invalid_token'}, status_code=401,
                                headers={'www-authenticate': 'Bearer error="invalid_token"'})
        return JSONResponse({'sub': self.settings.userinfo_subject or SUBJECT, 'name': 'Alice Example',
                             'email': 'alice@contoso.example'})

    def _grant_code(self, query: dict[str, str]) -> str:
        code = secrets.token_urlsafe(24)
        self._grants[code] = Grant(nonce=query.get('nonce'), code_challenge=query.get('code_challenge'),
                                   code_challenge_method=query.get('code_challenge_method'),
                                   redirect_uri=query['redirect_uri'])
        return code

    def _token_refusal(self, headers: Headers, form: FormData) -> tuple[str, str] | None:
        """(error, description) when the token request must be refused, else None."""
        refusal = self._client_refusal(headers, form)
        if refusal is None and form.get('grant_type') != 'authorization_code':
            refusal = 'unsupported_grant_type', str(form.get('grant_type'))
        return refusal or self._grant_refusal(form)

    def _client_refusal(self, headers: Headers, form: FormData) -> tuple[str, str] | None:
        method, client_id, secret = _client_credentials(headers, form)
        self.token_auth_methods.append(method)
        settings = self.settings
        if method != settings.token_auth_method:
            return 'invalid_client', f'client authenticated with {method}, expected {settings.token_auth_method}'
        if client_id != settings.client_id or not hmac.compare_digest(secret, settings.client_secret):
            return 'invalid_client', 'wrong client credentials'
        return None

    def _grant_refusal(self, form: FormData) -> tuple[str, str] | None:
        """A code is spent by its first use, whatever the outcome; PKCE must be S256 and match."""
        grant = self._grants.get(str(form.get('code')))
        if grant is None:
            return 'invalid_grant', 'unknown code'
        if grant.redeemed:
            return 'invalid_grant', 'code already used'
        grant.redeemed = True
        if form.get('redirect_uri') != grant.redirect_uri:
            return 'invalid_grant', 'redirect_uri differs from the authorization request'
        verifier = str(form.get('code_verifier') or '')
        if grant.code_challenge_method != 'S256' or not verifier or s256_challenge(verifier) != grant.code_challenge:
            return 'invalid_grant', 'PKCE verification failed'
        return None

    def _announced_algorithms(self) -> list[str]:
        """What it claims to sign with; a lying provider also announces the forged algorithm."""
        forged = FORGED_ALGORITHMS.get(self.settings.signing)
        return ['RS256', 'ES256', 'PS256', *([forged] if forged else [])]


def _client_credentials(headers: Headers, form: FormData) -> tuple[str, str, str]:
    """(method, client_id, secret) as the client presented them at the token endpoint."""
    authorization = headers.get('authorization', '')
    if authorization.lower().startswith('basic '):
        client_id, _, secret = base64.b64decode(authorization[6:]).decode().partition(':')
        return 'client_secret_basic', unquote(client_id), unquote(secret)
    if 'client_secret' in form:
        return 'client_secret_post', str(form.get('client_id')), str(form.get('client_secret'))
    return 'none', str(form.get('client_id')), ''

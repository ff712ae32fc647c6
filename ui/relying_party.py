"""The OpenID Connect relying party: authorization-code flow with PKCE S256, state, nonce and strict ID-token checks.

It lives with the web layer because Authlib's Starlette client works on the request itself (the session marker
of a sign-in in flight, the callback's query); what it decides with goes to the services as plain values (claims
to `IdentityService`, the address and person to `SignInGuard`, the person to `SessionStore`).

Authlib's Starlette client does the protocol; the checks it leaves to the caller are made here: the discovery
issuer must be the configured one, an ID token must be present, `iss` and `aud` are checked against our
configuration, only allow-listed algorithms count whatever the provider announces, and the userinfo `sub`
must be the ID token's. Every refusal is logged with its reason on the 'myprofile.security' logger.

Client authentication at the token endpoint is the configured method, or else the one the discovery document
advertises (`client_secret_basic` first, then `client_secret_post`; the OpenID Connect default,
`client_secret_basic`, when it lists neither or says nothing). Discovery is read at the first sign-in (or sign-out)
after start-up, and the choice is logged then, once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import urlencode

from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.starlette_client import OAuth
from joserfc.errors import JoseError
from starlette.requests import Request

from services.errors import PortalError, RateLimited, SignInCancelled, SignInRefused, SignInUnavailable
from services.identity import IdentityService
from services.oidc_issuer import IssuerRule
from services.pending_sign_ins import started_from
from services.sessions import Session, SessionStore
from services.sign_in_guard import SignInGuard

security_log = logging.getLogger('myprofile.security')
log = logging.getLogger(__name__)

TokenAuthMethod = Literal['client_secret_basic', 'client_secret_post']
TOKEN_AUTH_METHODS: tuple[TokenAuthMethod, ...] = ('client_secret_basic', 'client_secret_post')  # by preference


@dataclass(kw_only=True, frozen=True)
class RelyingPartyConfig:
    issuer: str
    client_id: str
    client_secret: str
    redirect_uri: str
    allowed_algorithms: tuple[str, ...] = ('RS256', 'ES256', 'PS256')
    token_auth_method: TokenAuthMethod | None = None  # None: choose from the discovery document
    transport: Any = field(default=None, repr=False)  # an httpx2 transport, to reach the in-process demo provider


class RelyingParty:
    def __init__(self, config: RelyingPartyConfig, identity: IdentityService, sessions: SessionStore,
                 guard: SignInGuard | None = None) -> None:
        self._config = config
        self.guard = guard or SignInGuard()
        self._identity = identity
        self._sessions = sessions
        self._issuer_rule: IssuerRule | None = None
        self._token_auth_method: TokenAuthMethod | None = None
        self._token_auth_method_for: object = None  # the `_loaded_at` of the metadata the method was chosen from
        client_kwargs: dict[str, Any] = {'scope': 'openid email profile', 'code_challenge_method': 'S256'}
        if config.transport is not None:
            client_kwargs['transport'] = config.transport
        self._client = OAuth(cache=self.guard.pending).register(
            'portal', client_id=config.client_id, client_secret=config.client_secret,
            server_metadata_url=f'{config.issuer}/.well-known/openid-configuration', client_kwargs=client_kwargs)

    async def authorization_url(self, request: Request, *, language: str, address: str) -> str:
        """Start a sign-in from `address`: remember state, nonce and PKCE verifier server-side (the session holds a
        marker); return where to send the browser."""
        try:
            self.guard.may_start(address)
            await self._metadata()
            result = await self._client.create_authorization_url(self._config.redirect_uri, ui_locales=language)
        except PortalError as error:
            security_log.warning('sign-in refused before it started: %r', str(error))
            raise
        if not all(f'{name}=' in result['url'] for name in ('code_challenge', 'nonce', 'state')):
            raise SignInRefused('authorization request would lack PKCE, nonce or state')
        with started_from(address):
            await self._client.save_authorize_data(request, redirect_uri=self._config.redirect_uri, **result)
        return result['url']

    async def finish(self, request: Request, *, address: str) -> Session:
        """Complete the callback from `address` and start a fresh server-side session, or refuse with a typed error.

        A refusal counts against the address (a provider that is down does not), and against the person once
        the provider has vouched for who it is.
        """
        person_key = None
        try:
            claims, token = await self._verified_id_token(request)
            person_key = f'{claims["iss"]}:{claims["sub"]}'  # the provider has vouched for who this is
            await self._check_userinfo(token, claims)
            self.guard.may_finish(person_key)
            person = self._identity.person_for(claims['iss'], claims)
        except PortalError as error:
            security_log.warning('sign-in refused: %r (address %r)', str(error), address)
            if not isinstance(error, SignInUnavailable | RateLimited):
                self.guard.failed(address, person_key)
            raise
        return self._sessions.start(person, id_token=token.get('id_token'))

    async def end_session_url(self, session: Session | None, post_logout_redirect_uri: str) -> str | None:
        """The provider's RP-initiated logout URL, when it announces one."""
        try:
            metadata = await self._metadata()
        except PortalError:
            return None
        endpoint = metadata.get('end_session_endpoint')
        if not endpoint:
            return None
        query = {'client_id': self._config.client_id, 'post_logout_redirect_uri': post_logout_redirect_uri}
        if session is not None and session.id_token:
            query['id_token_hint'] = session.id_token
        return f'{endpoint}{"&" if "?" in endpoint else "?"}{urlencode(query)}'

    async def _verified_id_token(self, request: Request) -> tuple[dict[str, Any], dict[str, Any]]:
        params = request.query_params
        if params.get('error'):
            await self._consume_state_of_error_answer(request)
            if params['error'] == 'access_denied':
                raise SignInCancelled('provider answered access_denied (cancelled or not allowed)')
            raise SignInRefused(f'provider answered error {params["error"]!r}')
        await self._metadata()
        rule = self._issuer_rule
        assert rule is not None
        if 'iss' in params and not rule.accepts_response_parameter(params['iss']):
            raise SignInRefused(f'authorization response iss parameter {params["iss"]!r} is another issuer')
        try:
            token = await self._client.authorize_access_token(request, claims_options={
                'iss': {'essential': True, 'validate': lambda claims, _: rule.accepts_token(claims)},
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
            raise SignInRefused(f'token response unusable: {type(error).__name__}') from None
        claims = dict(token.get('userinfo') or {})
        if not claims:
            raise SignInRefused('token response carried no ID token')
        if not isinstance(claims.get('sub'), str) or not claims['sub']:
            raise SignInRefused('ID token has no sub')
        return claims, token

    async def _consume_state_of_error_answer(self, request: Request) -> None:
        """An error answer must belong to a sign-in this browser started; either way that sign-in is over."""
        state = request.query_params.get('state') or ''
        framework = self._client.framework
        started_here = await framework.get_state_data(request.session, state) if state else None
        if state:
            await framework.clear_state_data(request.session, state)
        if started_here is None:
            raise SignInRefused('error answer with a missing or unknown state')

    async def _check_userinfo(self, token: dict[str, Any], claims: dict[str, Any]) -> None:
        """Called only after the ID token passed every check; its `sub` must be the ID token's."""
        if not self._client.server_metadata.get('userinfo_endpoint'):
            return
        try:
            userinfo = await self._client.userinfo(token=token)
        except Exception as error:
            if _is_http_error(error):
                raise SignInUnavailable(f'userinfo endpoint: {type(error).__name__}') from None
            raise SignInRefused(f'userinfo response unusable: {type(error).__name__}') from None
        if userinfo.get('sub') != claims['sub']:
            raise SignInRefused('userinfo sub differs from the ID token sub')
        for key in ('name', 'email', 'preferred_username'):
            if key not in claims and isinstance(userinfo.get(key), str):
                claims[key] = userinfo[key]

    async def _metadata(self) -> dict[str, Any]:
        try:
            metadata = await self._client.load_server_metadata()
        except Exception as error:
            self._client.server_metadata.clear()
            if _is_http_error(error) or isinstance(error, ValueError):
                raise SignInUnavailable(f'discovery: {type(error).__name__}') from None
            raise
        published = str(metadata.get('issuer'))
        rule = IssuerRule(configured=self._config.issuer, published=published)
        if not rule.matches_discovery():
            self._client.server_metadata.clear()
            raise SignInRefused(f'discovery issuer {published!r} is not the configured issuer')
        self._issuer_rule = rule
        metadata['id_token_signing_alg_values_supported'] = list(self._config.allowed_algorithms)
        if self._token_auth_method is None or metadata.get('_loaded_at') != self._token_auth_method_for:
            self._token_auth_method = self._choose_token_auth_method(metadata)
            self._token_auth_method_for = metadata.get('_loaded_at')
        # Authlib builds its client with these metadata as keyword arguments, after `client_kwargs`: set here, the
        # method is the one used, and a discovery document carrying a `token_endpoint_auth_method` key cannot change it.
        metadata['token_endpoint_auth_method'] = self._token_auth_method
        return metadata

    def _choose_token_auth_method(self, metadata: dict[str, Any]) -> TokenAuthMethod:
        """The configured method, else the first of ours the discovery document lists, else the OIDC default."""
        listed = metadata.get('token_endpoint_auth_methods_supported')
        advertised = [m for m in listed if isinstance(m, str)] if isinstance(listed, list) else None
        configured = self._config.token_auth_method
        if configured is not None:
            method, source = configured, 'set by MYPROFILE_OIDC_TOKEN_AUTH_METHOD'
            if advertised and configured not in advertised:
                log.warning("MYPROFILE_OIDC_TOKEN_AUTH_METHOD is %s but the provider's discovery document lists only "
                            '%s for its token endpoint; using %s as configured',
                            configured, _quoted(advertised), configured)
        elif usable := [m for m in TOKEN_AUTH_METHODS if m in (advertised or ())]:
            method, source = usable[0], "from the provider's discovery document"
        elif advertised:
            method, source = 'client_secret_basic', (
                "the OpenID Connect default: the provider's discovery document lists neither client_secret_basic "
                f'nor client_secret_post but {_quoted(advertised)}')
        else:
            method, source = 'client_secret_basic', (
                "the OpenID Connect default: the provider's discovery document does not list its methods")
        log.info('discovery document read (first sign-in or sign-out since start-up); '
                 'token endpoint authentication: %s (%s)', method, source)
        return method


def _quoted(names: list[str]) -> str:
    """Names from the provider, quoted so that none can forge a log line."""
    return ', '.join(repr(name[:100]) for name in names[:20])


def _is_http_error(error: Exception) -> bool:
    return type(error).__module__.split('.')[0] in {'httpx', 'httpx2', 'httpcore', 'httpcore2'}

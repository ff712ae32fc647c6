"""The demo OpenID Connect provider: one object the routes call, one method per endpoint."""

from __future__ import annotations

from dataclasses import replace

from authlib.common.security import generate_token
from authlib.oauth2.rfc6749 import OAuth2Error
from authlib.oauth2.rfc6750 import BearerTokenGenerator
from joserfc.jwk import KeySet

from .accounts import DemoAccount
from .claims import account_claims
from .client import DemoClient
from .clock import Clock, utc_now
from .config import DemoProviderConfig
from .grants import DemoCodeGrant, DemoOpenIDCode, S256CodeChallenge
from .keys import load_or_create_signing_key
from .logout import DemoEndSessionEndpoint
from .metadata import ENDPOINTS, provider_metadata
from .outcomes import ProviderRequest, Refusal, Reply, SignedOut, SignInPrompt
from .proof import FormProof
from .server import DemoAuthorizationServer, DemoIssuerParameter, DemoOAuth2Request
from .store import TOKEN_LIFETIME, GrantStore
from .userinfo import userinfo_protector

CONTROL_FIELDS = frozenset({'proof', 'account', 'cancel'})
NO_STORE = [('Content-Type', 'application/json'), ('Cache-Control', 'no-store'), ('Pragma', 'no-cache')]


class DemoProvider:
    """Built once at start; loads (or creates) the signing key, so construct it off the event loop or at start-up."""

    def __init__(self, config: DemoProviderConfig, clock: Clock = utc_now) -> None:
        self.config = config
        self.metadata = provider_metadata(config.issuer)
        self.key = load_or_create_signing_key(config.key_path)
        self.accounts = {account.subject: account for account in config.accounts}
        self._proof = FormProof(clock)
        self._store = GrantStore(clock)
        client = DemoClient(client_id=config.client_id, client_secret=config.client_secret,
                            redirect_uris=config.redirect_uris,
                            post_logout_redirect_uris=config.post_logout_redirect_uris)
        self._server = DemoAuthorizationServer(client=client, store=self._store, accounts=self.accounts)
        self._server.register_token_generator(
            'default', BearerTokenGenerator(lambda **_: generate_token(42), expires_generator=TOKEN_LIFETIME))
        openid = DemoOpenIDCode(issuer=config.issuer, key=self.key, store=self._store, require_nonce=True)
        self._server.register_grant(DemoCodeGrant, [openid, S256CodeChallenge(required=True)])
        self._issuer_parameter = DemoIssuerParameter(config.issuer)
        self._server.register_extension(self._issuer_parameter)
        self._server.register_endpoint(DemoEndSessionEndpoint(self.key))
        self._userinfo = userinfo_protector(self._store)

    def jwks(self) -> dict:
        """The public half only."""
        return dict(KeySet([self.key]).as_dict(private=False))

    def authorize(self, request: ProviderRequest) -> SignInPrompt | Reply | Refusal:
        """Validate an authorization request; when valid, ask which demo account signs in."""
        oauth_request = self._oauth_request('authorization_endpoint', request)
        grant = self._consent(oauth_request, None)
        if not isinstance(grant, DemoCodeGrant):
            return grant
        parameters = request.query + request.form
        return SignInPrompt(parameters=parameters, proof=self._proof.sign(parameters),
                            accounts=self.config.accounts, redirect_uri=grant.redirect_uri,
                            ui_locales=oauth_request.payload.data.get('ui_locales'))

    def decide(self, request: ProviderRequest) -> SignInPrompt | Reply | Refusal:
        """The sign-in form came back: check its proof, re-validate, then issue a code or `access_denied`."""
        form = dict(reversed(request.form))  # first value wins, as everywhere in OAuth
        if 'proof' not in form:
            return self.authorize(request)  # an authorization request sent by POST (OpenID Connect Core 3.1.2.1)
        parameters = tuple((name, value) for name, value in request.form if name not in CONTROL_FIELDS)
        ui_locales = form.get('ui_locales')
        if not self._proof.verify(parameters, form['proof']):
            return Refusal(status=400, error='invalid_request', ui_locales=ui_locales,
                           description='The sign-in form was altered or has expired.')
        account = None if 'cancel' in form else self.accounts.get(form.get('account', ''))
        if account is None and 'cancel' not in form:
            return Refusal(status=400, error='invalid_request', ui_locales=ui_locales,
                           description='There is no such demo account.')
        oauth_request = self._oauth_request('authorization_endpoint', replace(request, query=(), form=parameters))
        grant = self._consent(oauth_request, account)
        if not isinstance(grant, DemoCodeGrant):
            return grant
        return self._server.create_authorization_response(oauth_request, grant_user=account, grant=grant)

    def token(self, request: ProviderRequest) -> Reply:
        return self._server.create_token_response(self._oauth_request('token_endpoint', request))

    def userinfo(self, request: ProviderRequest) -> Reply:
        try:
            token = self._userinfo.validate_request(['openid'], self._oauth_request('userinfo_endpoint', request))
        except OAuth2Error as error:
            return self._server.handle_response(*error())
        return Reply(status=200, body=dict(account_claims(self.accounts[token.subject])), headers=list(NO_STORE))

    def end_session(self, request: ProviderRequest) -> Reply | SignedOut | Refusal:
        """RP-initiated logout: back to a registered post-logout URI (with `state`), else a signed-out page."""
        pairs = request.query + request.form
        if not {'client_id', 'id_token_hint'} & {name for name, _ in pairs}:
            pairs += (('client_id', self.config.client_id),)  # the only client whose URIs could match
        oauth_request = self._oauth_request('end_session_endpoint', replace(request, query=pairs, form=()))
        ui_locales = oauth_request.payload.data.get('ui_locales')
        try:
            validated = self._server.validate_endpoint_request('end_session', oauth_request)
        except OAuth2Error as error:
            return Refusal(status=400, error=error.error, description=error.get_error_description(),
                           ui_locales=ui_locales)
        return self._server.create_endpoint_response('end_session', validated) or SignedOut(ui_locales=ui_locales)

    def _oauth_request(self, endpoint: str, request: ProviderRequest) -> DemoOAuth2Request:
        return DemoOAuth2Request(self.config.issuer + ENDPOINTS[endpoint], request)

    def _consent(self, oauth_request: DemoOAuth2Request,
                 account: DemoAccount | None) -> DemoCodeGrant | Reply | Refusal:
        """Authlib's validation of the authorization request, its refusals turned into outcomes."""
        try:
            return self._server.get_consent_grant(oauth_request, end_user=account)
        except OAuth2Error as error:
            return self._authorization_error(oauth_request, error)
        except ValueError:  # Authlib refuses to quote characters such as '"' from the request in its own error text
            return Refusal(status=400, error='invalid_request', description='The request has invalid characters.',
                           ui_locales=oauth_request.payload.data.get('ui_locales'))

    def _authorization_error(self, oauth_request: DemoOAuth2Request, error: OAuth2Error) -> Reply | Refusal:
        """Redirect only to a URI Authlib has checked against the registration; otherwise show a page."""
        if not error.redirect_uri:
            return Refusal(status=400, error=error.error or 'invalid_request',
                           description=error.get_error_description() or '',
                           ui_locales=oauth_request.payload.data.get('ui_locales'))
        error.state = oauth_request.payload.state
        reply = self._server.handle_error_response(oauth_request, error)
        self._issuer_parameter.add_issuer_parameter(self._server, reply)
        return reply

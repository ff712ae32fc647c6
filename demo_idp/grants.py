"""The authorization code grant with OpenID Connect and mandatory S256 PKCE, on in-memory storage."""

from __future__ import annotations

from authlib.oauth2.rfc6749 import InvalidRequestError, InvalidScopeError, OAuth2Request, grants
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import OpenIDCode
from authlib.oidc.core.grants.util import is_openid_scope
from joserfc.jwk import RSAKey

from .accounts import DemoAccount
from .claims import account_claims
from .client import DemoClient
from .keys import ALGORITHM
from .store import CODE_LIFETIME, AuthorizationCode, GrantStore

ID_TOKEN_LIFETIME = 3600


class DemoCodeGrant(grants.AuthorizationCodeGrant):
    """Refuses requests without the `openid` scope; keeps codes in the server's `GrantStore`."""

    def validate_authorization_request(self) -> str:
        redirect_uri = super().validate_authorization_request()
        if not is_openid_scope(self.request.scope):
            raise InvalidScopeError("The 'openid' scope is required.", redirect_uri=redirect_uri)
        return redirect_uri

    def save_authorization_code(self, code: str, request: OAuth2Request) -> None:
        store: GrantStore = self.server.store
        data = request.payload.data
        store.add_code(AuthorizationCode(
            code=code, client_id=request.client.client_id, redirect_uri=request.payload.redirect_uri,
            scope=request.scope, nonce=data.get('nonce'), auth_time=store.now(),
            code_challenge=data['code_challenge'], code_challenge_method=data['code_challenge_method'],
            subject=request.user.subject, expires_at=store.now() + CODE_LIFETIME))

    def query_authorization_code(self, code: str, client: DemoClient) -> AuthorizationCode | None:
        return self.server.store.take_code(code, client.client_id)

    def delete_authorization_code(self, authorization_code: AuthorizationCode) -> None:
        """Nothing left to do: `take_code` removed it when it was presented."""

    def authenticate_user(self, authorization_code: AuthorizationCode) -> DemoAccount | None:
        return self.server.accounts.get(authorization_code.subject)


class S256CodeChallenge(CodeChallenge):
    """PKCE for every client and S256 only: Authlib's default accepts `plain` and skips confidential clients."""

    SUPPORTED_CODE_CHALLENGE_METHOD = ['S256']  # noqa: RUF012 (overrides Authlib's class attribute)

    def validate_code_challenge(self, grant: grants.BaseGrant, redirect_uri: str) -> None:
        data = grant.request.payload.data
        if not data.get('code_challenge'):
            raise InvalidRequestError("Missing 'code_challenge': PKCE with S256 is required.")
        if data.get('code_challenge_method') != 'S256':
            raise InvalidRequestError("'code_challenge_method' must be 'S256'.")
        super().validate_code_challenge(grant, redirect_uri)

    def validate_code_verifier(self, grant: grants.BaseGrant, result: object) -> None:
        if not grant.request.form.get('code_verifier'):
            raise InvalidRequestError("Missing 'code_verifier'.")
        super().validate_code_verifier(grant, result)


class DemoOpenIDCode(OpenIDCode):
    """Signs ID tokens with the provider's key (with `kid`), issuer and clock; a nonce is never reused."""

    def __init__(self, *, issuer: str, key: RSAKey, store: GrantStore, require_nonce: bool = True) -> None:
        super().__init__(require_nonce=require_nonce)
        self.issuer, self.key, self.store = issuer, key, store

    def exists_nonce(self, nonce: str, request: OAuth2Request) -> bool:
        return self.store.nonce_in_use(request.payload.client_id, nonce)

    def resolve_client_private_key(self, client: DemoClient) -> RSAKey:
        return self.key

    def get_client_algorithm(self, client: DemoClient) -> str:
        return ALGORITHM

    def get_encode_header(self, client: DemoClient) -> dict:
        return {'alg': ALGORITHM, 'kid': self.key.kid}

    def get_client_claims(self, client: DemoClient) -> dict:
        now = self.store.now()
        return {'iss': self.issuer, 'aud': client.client_id, 'iat': now, 'exp': now + ID_TOKEN_LIFETIME}

    def generate_user_info(self, user: DemoAccount, scope: str) -> dict:
        return account_claims(user)

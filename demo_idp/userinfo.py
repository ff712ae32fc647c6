"""The userinfo endpoint's guard: Authlib's resource protector with bearer tokens from the in-memory store."""

from __future__ import annotations

from authlib.oauth2 import ResourceProtector
from authlib.oauth2.rfc6749 import OAuth2Request
from authlib.oauth2.rfc6750 import BearerTokenValidator, InsufficientScopeError, InvalidTokenError

from .store import AccessToken, GrantStore


class StoreTokenValidator(BearerTokenValidator):
    """The store answers only live tokens, so expiry and revocation are already decided by lookup."""

    def __init__(self, store: GrantStore) -> None:
        super().__init__()
        self.store = store

    def authenticate_token(self, token_string: str) -> AccessToken | None:
        return self.store.find_token(token_string)

    def validate_token(self, token: AccessToken | None, scopes: list[str] | None, request: OAuth2Request) -> None:
        if token is None:
            raise InvalidTokenError()
        if self.scope_insufficient(token.scope, scopes):
            raise InsufficientScopeError()


def userinfo_protector(store: GrantStore) -> ResourceProtector:
    protector = ResourceProtector()
    protector.register_token_validator(StoreTokenValidator(store))
    return protector

"""Authorization codes and access tokens, in memory: a restart forgets them, which only means signing in again."""

from __future__ import annotations

from dataclasses import dataclass

from authlib.oidc.core import AuthorizationCodeMixin

from .clock import Clock

CODE_LIFETIME = 300
TOKEN_LIFETIME = 3600


@dataclass(kw_only=True, frozen=True, slots=True)
class AuthorizationCode(AuthorizationCodeMixin):
    """A code bound to its client, redirect URI, PKCE challenge, nonce and the account that signed in."""

    code: str
    client_id: str
    redirect_uri: str
    scope: str
    nonce: str | None
    auth_time: int
    code_challenge: str
    code_challenge_method: str
    subject: str
    expires_at: int

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str | None:
        return self.nonce

    def get_auth_time(self) -> int:
        return self.auth_time


@dataclass(kw_only=True, frozen=True, slots=True)
class AccessToken:
    value: str
    client_id: str
    subject: str
    scope: str
    expires_at: int
    code: str


class GrantStore:
    """Codes are single use: the first presentation removes them; a replay also revokes what the code bought."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._codes: dict[str, AuthorizationCode] = {}
        self._spent: dict[str, int] = {}
        self._tokens: dict[str, AccessToken] = {}

    def now(self) -> int:
        return int(self._clock().timestamp())

    def add_code(self, code: AuthorizationCode) -> None:
        self._purge()
        self._codes[code.code] = code

    def take_code(self, value: str, client_id: str) -> AuthorizationCode | None:
        """The live code issued to `client_id`, removed so it can never be used again."""
        self._purge()
        if value in self._spent:
            self._tokens = {k: t for k, t in self._tokens.items() if t.code != value}
            return None
        code = self._codes.pop(value, None)
        if code is None:
            return None
        self._spent[value] = code.expires_at + TOKEN_LIFETIME
        return code if code.client_id == client_id and code.expires_at > self.now() else None

    def nonce_in_use(self, client_id: str, nonce: str) -> bool:
        return any(c.client_id == client_id and c.nonce == nonce for c in self._codes.values())

    def add_token(self, token: AccessToken) -> None:
        self._purge()
        self._tokens[token.value] = token

    def find_token(self, value: str) -> AccessToken | None:
        token = self._tokens.get(value)
        return token if token is not None and token.expires_at > self.now() else None

    def _purge(self) -> None:
        now = self.now()
        self._codes = {k: c for k, c in self._codes.items() if c.expires_at > now}
        self._spent = {k: until for k, until in self._spent.items() if until > now}
        self._tokens = {k: t for k, t in self._tokens.items() if t.expires_at > now}

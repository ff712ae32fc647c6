"""Authlib's authorization server wired to plain requests and replies (Authlib ships no Starlette server)."""

from __future__ import annotations

from collections import defaultdict

from authlib.oauth2.rfc6749 import AuthorizationServer, OAuth2Payload, OAuth2Request
from authlib.oauth2.rfc9207 import IssuerParameter

from .accounts import DemoAccount
from .client import DemoClient
from .outcomes import Pairs, ProviderRequest, Reply
from .store import AccessToken, GrantStore


class DemoAuthorizationServer(AuthorizationServer):
    """Knows one client; codes and tokens live in `store`; `accounts` are the people who can sign in."""

    def __init__(self, *, client: DemoClient, store: GrantStore, accounts: dict[str, DemoAccount]) -> None:
        super().__init__()
        self.client, self.store, self.accounts = client, store, accounts

    def query_client(self, client_id: str) -> DemoClient | None:
        return self.client if client_id == self.client.client_id else None

    def save_token(self, token: dict, request: OAuth2Request) -> None:
        self.store.add_token(AccessToken(
            value=token['access_token'], client_id=request.client.client_id, subject=request.user.subject,
            scope=token.get('scope', ''), expires_at=self.store.now() + int(token['expires_in']),
            code=request.authorization_code.code))

    def create_oauth2_request(self, request: OAuth2Request) -> OAuth2Request:
        """Callers build the `DemoOAuth2Request` themselves (they know which endpoint URI it is)."""
        if not isinstance(request, OAuth2Request):
            raise TypeError('pass a DemoOAuth2Request')
        return request

    def handle_response(self, status: int, body: dict | str, headers: list[tuple[str, str]]) -> Reply:
        return Reply(status=status, body=body, headers=list(headers))

    def send_signal(self, name: str, *args: object, **kwargs: object) -> None:
        """No signal system here; Authlib calls this after client authentication."""


class DemoIssuerParameter(IssuerParameter):
    """RFC 9207: every authorization response, errors included, names the issuer."""

    def __init__(self, issuer: str) -> None:
        self.issuer = issuer

    def get_issuer(self) -> str:
        return self.issuer


class DemoOAuth2Request(OAuth2Request):
    """`uri` is built from the issuer, so Authlib's transport check judges the address people actually use."""

    def __init__(self, uri: str, request: ProviderRequest) -> None:
        super().__init__(request.method, uri, headers=request.headers)
        self.payload = _Payload(request.query + request.form)
        self._args = _first_values(request.query)
        self._form = _first_values(request.form)

    @property
    def args(self) -> dict[str, str]:
        return self._args

    @property
    def form(self) -> dict[str, str]:
        return self._form


class _Payload(OAuth2Payload):
    def __init__(self, pairs: Pairs) -> None:
        self._data = _first_values(pairs)
        self._datalist: defaultdict[str, list] = defaultdict(list)
        for name, value in pairs:
            self._datalist[name].append(value)

    @property
    def data(self) -> dict[str, str]:
        return self._data

    @property
    def datalist(self) -> defaultdict[str, list]:
        return self._datalist


def _first_values(pairs: Pairs) -> dict[str, str]:
    values: dict[str, str] = {}
    for name, value in pairs:
        values.setdefault(name, value)
    return values


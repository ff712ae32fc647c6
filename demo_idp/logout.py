"""RP-initiated logout with Authlib's end-session endpoint; the demo provider keeps no session to end."""

from __future__ import annotations

from authlib.oauth2.rfc6749 import OAuth2Request
from authlib.oidc.rpinitiated import EndSessionEndpoint, EndSessionRequest
from joserfc.jwk import KeySet, RSAKey

from .client import DemoClient
from .keys import ALGORITHM


class DemoEndSessionEndpoint(EndSessionEndpoint):
    """Redirects to a post-logout URI only when it exactly matches the client's registration."""

    def __init__(self, key: RSAKey) -> None:
        super().__init__()
        self.key = key

    def get_server_jwks(self) -> KeySet:
        return KeySet([self.key])

    def get_algorithms(self) -> list[str]:
        return [ALGORITHM]

    def is_post_logout_redirect_uri_legitimate(self, request: OAuth2Request, post_logout_redirect_uri: str,
                                               client: DemoClient, logout_hint: str | None) -> bool:
        """Registration is proof enough: there is no session here, so a forged logout cannot harm anyone."""
        return True

    def end_session(self, end_session_request: EndSessionRequest) -> None:
        """Nothing to end: every sign-in at the demo provider is a fresh choice of account."""

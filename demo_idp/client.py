"""The one client the demo provider knows: the portal itself, a confidential client with exact redirect URIs."""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from authlib.oauth2.rfc6749 import ClientMixin, scope_to_list

SCOPES = ('openid', 'profile', 'email')
AUTH_METHODS = ('client_secret_basic', 'client_secret_post')


@dataclass(kw_only=True, frozen=True, slots=True)
class DemoClient(ClientMixin):
    client_id: str
    client_secret: str
    redirect_uris: tuple[str, ...]
    post_logout_redirect_uris: tuple[str, ...]

    @property
    def client_metadata(self) -> dict:
        """Read by Authlib's end-session endpoint."""
        return {'post_logout_redirect_uris': list(self.post_logout_redirect_uris)}

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> None:
        """None: every request must name its redirect URI (OpenID Connect requires it)."""
        return None

    def get_allowed_scope(self, scope: str | None) -> str:
        """Unknown scope values are ignored, as OpenID Connect asks."""
        return ' '.join(s for s in scope_to_list(scope or '') or [] if s in SCOPES)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret: str) -> bool:
        return hmac.compare_digest(client_secret.encode(), self.client_secret.encode())

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return endpoint == 'token' and method in AUTH_METHODS

    def check_response_type(self, response_type: str) -> bool:
        return response_type == 'code'

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == 'authorization_code'

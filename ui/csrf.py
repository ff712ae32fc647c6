"""The sign-out form's anti-forgery token and Origin check (attack review finding 7).

The token is an HMAC of the server-side session id, so it is bound to one session, needs no storage and is
compared in constant time. Its key comes from the storage secret (`use_secret`), which every instance shares:
with sessions in Redis a session outlives a restart and may sign out through another instance, and its token must
still match there. Until `use_secret` is called (tests of the routes alone) the key is random, made per process.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

FIELD = 'csrf_token'
_key = [secrets.token_bytes(32)]
_PURPOSE = b'myprofile sign-out\x00'


def use_secret(storage_secret: str) -> None:
    """Derive the key from the cookie-signing secret (a key of its own, so neither reveals the other)."""
    _key[0] = hmac.new(storage_secret.encode(), b'myprofile sign-out token key', hashlib.sha256).digest()


def token_for(session_id: str) -> str:
    digest = hmac.new(_key[0], _PURPOSE + session_id.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode('ascii').rstrip('=')


def token_matches(session_id: str | None, token: object) -> bool:
    if not session_id or not isinstance(token, str) or not token:
        return False
    return hmac.compare_digest(token_for(session_id).encode(), token.encode('utf-8', 'replace'))


def origin_of(url: str) -> str:
    """Scheme, host and port of `url` (as the browser sends them in `Origin`)."""
    scheme, _, rest = url.partition('://')
    return f'{scheme}://{rest.split("/", 1)[0]}'.lower()


def same_origin(origin_header: str | None, public_url: str) -> bool:
    """A request without `Origin` passes (the token still decides); one with it must come from the portal."""
    return origin_header is None or origin_header.strip().lower() == origin_of(public_url)

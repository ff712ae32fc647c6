"""The sign-in form's proof: an HMAC over the authorization request, so a forged or altered form is refused."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets

from .clock import Clock
from .outcomes import Pairs

PROOF_LIFETIME = 600


class FormProof:
    """Keyed by a random per-process secret: a restart invalidates open sign-in pages, nothing else."""

    def __init__(self, clock: Clock, secret: bytes | None = None) -> None:
        self._clock = clock
        self._secret = secret or secrets.token_bytes(32)

    def sign(self, parameters: Pairs) -> str:
        issued = int(self._clock().timestamp())
        return f'{issued}.{self._mac(issued, parameters)}'

    def verify(self, parameters: Pairs, proof: str) -> bool:
        issued_text, _, mac = proof.partition('.')
        if not issued_text.isdigit():
            return False
        issued = int(issued_text)
        if not 0 <= int(self._clock().timestamp()) - issued <= PROOF_LIFETIME:
            return False
        return hmac.compare_digest(mac, self._mac(issued, parameters))

    def _mac(self, issued: int, parameters: Pairs) -> str:
        message = json.dumps([issued, sorted(parameters)], separators=(',', ':')).encode()
        digest = hmac.new(self._secret, message, hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b'=').decode()

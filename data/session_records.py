"""What a sign-in session is: who it belongs to and when it started and was last used.

Records here so that every session repository (in memory, Redis) can store and rebuild them; the rules about
them (timeouts, ids, who is told when one ends) are `services.sessions`'.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(kw_only=True, slots=True, frozen=True)
class SignedInPerson:
    """Who a session belongs to: identified by issuer and subject, never by e-mail."""

    issuer: str
    subject: str
    name: str
    email: str | None = None  # the directory's address (or the token's, for someone the directory lacks)
    verified_email: str | None = None  # the ID token's address, when the provider says it verified it


@dataclass(kw_only=True, slots=True, frozen=True)
class Session:
    id: str
    person: SignedInPerson
    started: datetime
    last_seen: datetime
    id_token: str | None = None  # kept server-side only, as the hint for the provider's end-session endpoint

"""What the demo identity provider needs to know, decided by the composition root."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .accounts import DemoAccount


@dataclass(kw_only=True, frozen=True)
class DemoProviderConfig:
    """One registered client (the portal) and the accounts it may sign in; `issuer` has no trailing slash."""

    issuer: str
    client_id: str
    client_secret: str
    redirect_uris: tuple[str, ...]
    post_logout_redirect_uris: tuple[str, ...]
    accounts: tuple[DemoAccount, ...]
    key_path: Path

"""The people the demo provider can sign in; whoever mounts the provider hands them over in its config."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(kw_only=True, frozen=True, slots=True)
class DemoAccount:
    """One account on the sign-in page; `home` is issued as the `tid` claim.

    `description_key` names a text in this package's `locales/` that says what the account is for.
    """

    subject: str
    name: str
    email: str
    home: str
    description_key: str

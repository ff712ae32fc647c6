"""What the routes hand to the provider and what it hands back: plain data, so the provider needs no web framework."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .accounts import DemoAccount

Pairs = tuple[tuple[str, str], ...]


@dataclass(kw_only=True, frozen=True, slots=True)
class ProviderRequest:
    """One HTTP request; `headers` must look names up case-insensitively (Starlette's `Headers` does)."""

    method: str
    query: Pairs = ()
    form: Pairs = ()
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(kw_only=True, slots=True)
class Reply:
    """A protocol response built by Authlib: a JSON body, or a redirect whose `location` RFC 9207 amends."""

    status: int
    body: dict | str
    headers: list[tuple[str, str]]

    @property
    def location(self) -> str | None:
        return next((value for name, value in self.headers if name.lower() == 'location'), None)

    @location.setter
    def location(self, value: str) -> None:
        self.headers = [(n, v) for n, v in self.headers if n.lower() != 'location'] + [('Location', value)]


@dataclass(kw_only=True, frozen=True, slots=True)
class SignInPrompt:
    """A valid authorization request waiting for the person to pick a demo account (or cancel)."""

    parameters: Pairs
    proof: str
    accounts: tuple[DemoAccount, ...]
    redirect_uri: str
    ui_locales: str | None = None


@dataclass(kw_only=True, frozen=True, slots=True)
class Refusal:
    """A request that must not be answered with a redirect: unknown client, unregistered redirect URI, forged form."""

    status: int
    error: str
    description: str
    ui_locales: str | None = None


@dataclass(kw_only=True, frozen=True, slots=True)
class SignedOut:
    """RP-initiated logout without a registered place to return to."""

    ui_locales: str | None = None

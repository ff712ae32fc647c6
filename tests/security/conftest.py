"""Fixtures for the sign-in security tests: a misbehaving fake provider, the portal around a real relying party."""

from __future__ import annotations

import logging
import secrets
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from data.tinydb_store import TinyDirectoryStore
from services.identity import IdentityService
from services.sign_in_guard import SignInGuard
from tests.security.fake_provider import PROVIDER_URL, FakeProvider, ProviderSettings
from tests.security.portal_harness import (
    CALLBACK_URL,
    Portal,
    PortalFactory,
    RecordingSessionStore,
    relying_party_config,
)

SECURITY_LOGGER = 'myprofile.security'


@pytest.fixture
def provider() -> FakeProvider:
    return FakeProvider(ProviderSettings(issuer=PROVIDER_URL, client_id='myprofile-portal',
                                         client_secret=secrets.token_urlsafe(32), redirect_uri=CALLBACK_URL))


@pytest.fixture
async def make_portal(provider: FakeProvider, tmp_path: Path) -> AsyncIterator[PortalFactory]:
    """Build the portal; `guard` replaces the default sign-in limits, other keyword arguments change or add
    RelyingPartyConfig fields."""
    portals: list[Portal] = []

    async def build(*, guard: SignInGuard | None = None, **config_changes: object) -> Portal:
        portal = Portal(config=relying_party_config(provider, **config_changes), guard=guard,
                        identity=IdentityService(TinyDirectoryStore(tmp_path / f'directory-{len(portals)}.json')),
                        sessions=RecordingSessionStore(), session_secret=secrets.token_urlsafe(32),
                        provider=provider)
        portals.append(portal)
        return portal

    yield build
    for portal in portals:
        await portal.aclose()


@pytest.fixture
async def portal(make_portal: PortalFactory) -> Portal:
    return await make_portal()


@pytest.fixture
def security_log() -> Iterator[list[logging.LogRecord]]:
    """Every record on the security logger, caught at the logger itself (whatever its propagation)."""
    records: list[logging.LogRecord] = []
    handler = _ListHandler(records)
    logger = logging.getLogger(SECURITY_LOGGER)
    previous_level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    yield records
    logger.removeHandler(handler)
    logger.setLevel(previous_level)


class _ListHandler(logging.Handler):
    def __init__(self, records: list[logging.LogRecord]) -> None:
        super().__init__(logging.DEBUG)
        self._records = records

    def emit(self, record: logging.LogRecord) -> None:
        self._records.append(record)

"""Fixtures shared by every level: a store on a temporary folder and the services around it."""

from __future__ import annotations

from pathlib import Path

import pytest

from data.tinydb_store import TinyDirectoryStore
from services.demo_directory import DIRECTORY
from services.directory_admin import DirectoryAdmin
from services.events import MembershipEvents
from services.organizations import OrganizationService


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / 'store' / 'directory.json'


@pytest.fixture
def store(store_path: Path) -> TinyDirectoryStore:
    return TinyDirectoryStore(store_path)


@pytest.fixture
def events() -> MembershipEvents:
    return MembershipEvents()


@pytest.fixture
def admin(store: TinyDirectoryStore, events: MembershipEvents) -> DirectoryAdmin:
    return DirectoryAdmin(store, events)


@pytest.fixture
def seeded(admin: DirectoryAdmin) -> DirectoryAdmin:
    admin.seed_if_empty(DIRECTORY)
    return admin


@pytest.fixture
def organizations(store: TinyDirectoryStore, events: MembershipEvents, seeded: DirectoryAdmin) -> OrganizationService:
    return OrganizationService(store, events)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests last: Playwright's sync API keeps an event loop running until the session ends."""
    items.sort(key=lambda item: 'tests/e2e/' in item.nodeid.replace('\\', '/'))

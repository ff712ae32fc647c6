"""Fixtures shared by every level: a store (each engine in turn) and the services around it.

`store` is parametrized over both engines, so every test that uses it, directly or through `admin`, `seeded`,
`organizations`…, runs twice: `[tinydb]` on a temporary folder, `[postgres]` on the local server (see
`tests/data/postgres_fixtures.py`: skipped when the server cannot be reached, failed instead under
`MYPROFILE_REQUIRE_POSTGRES=1`). A test about the TinyDB store's files asks for `tiny_store` (or `store_path`)
instead and runs once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from data.postgres_store import PostgresDirectoryStore
from data.repository import DirectoryRepository
from data.tinydb_store import TinyDirectoryStore
from services.demo_directory import DIRECTORY
from services.directory_admin import DirectoryAdmin
from services.events import MembershipEvents
from services.organizations import OrganizationService

pytest_plugins = ('tests.data.postgres_fixtures',)

ENGINES = ('tinydb', 'postgres')


@pytest.fixture(params=ENGINES)
def store(request: pytest.FixtureRequest) -> DirectoryRepository:
    """Each engine in turn, empty: what the services and the repository interface do must not depend on it."""
    return request.getfixturevalue('tiny_store' if request.param == 'tinydb' else 'emptied_pg_store')


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / 'store' / 'directory.json'


@pytest.fixture
def tiny_store(store_path: Path) -> TinyDirectoryStore:
    """The TinyDB store only: for the tests of what its files hold, crash safety, other processes on one folder."""
    return TinyDirectoryStore(store_path)


@pytest.fixture
def reopen() -> Iterator[Callable[[DirectoryRepository], DirectoryRepository]]:
    """Opens another store on the same data as the one given (the same folder, the same database), as a restart or
    another process would; closed after the test."""
    opened: list[DirectoryRepository] = []

    def again(store: DirectoryRepository) -> DirectoryRepository:
        if isinstance(store, PostgresDirectoryStore):
            opened.append(PostgresDirectoryStore(store.url, pool_size=2))
        else:
            assert isinstance(store, TinyDirectoryStore)
            opened.append(TinyDirectoryStore(store.path))
        return opened[-1]

    yield again
    for store in opened:
        store.close()


@pytest.fixture
def events() -> MembershipEvents:
    return MembershipEvents()


@pytest.fixture
def admin(store: DirectoryRepository, events: MembershipEvents) -> DirectoryAdmin:
    return DirectoryAdmin(store, events)


@pytest.fixture
def seeded(admin: DirectoryAdmin) -> DirectoryAdmin:
    admin.seed_if_empty(DIRECTORY)
    return admin


@pytest.fixture
def organizations(store: DirectoryRepository, events: MembershipEvents, seeded: DirectoryAdmin) -> OrganizationService:
    return OrganizationService(store, events)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests last: Playwright's sync API keeps an event loop running until the session ends."""
    items.sort(key=lambda item: 'tests/e2e/' in item.nodeid.replace('\\', '/'))

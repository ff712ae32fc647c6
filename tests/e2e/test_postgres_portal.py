"""The portal on PostgreSQL, chosen by MYPROFILE_DATABASE_URL alone: `main.py migrate` makes the schema, the
demo seeds into it, a leave in Chromium lands in the database, an administrator's command in another process
reaches the open page live (LISTEN/NOTIFY, no polling), and `/healthz` says whether the store answers."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect
from psycopg.conninfo import conninfo_to_dict

from data.postgres_store import PostgresDirectoryStore
from data.records import LEFT
from services.demo_directory import FABRIKAM, WOODGROVE
from tests.data.postgres_fixtures import fresh_database
from tests.e2e.conftest import ROOT, Portal, running_portal
from tests.e2e.pages import ADELE, guest_card, leave_button, sign_in

pytest_plugins = ('tests.data.postgres_fixtures',)


@contextmanager
def fresh_database_url() -> Iterator[str]:
    """A new database, named as an operator names it: a postgresql:// URL."""
    with fresh_database() as conninfo:
        parts = conninfo_to_dict(conninfo)
        yield (f'postgresql://{parts.get("user", "postgres")}@{parts.get("host", "127.0.0.1")}:'
               f'{parts.get("port", 5432)}/{parts["dbname"]}')


def command(url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, 'MYPROFILE_DATABASE_URL': url}
    return subprocess.run([sys.executable, 'main.py', *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120, check=False)


@pytest.fixture(scope='module')
def database(postgres_server: str) -> Iterator[str]:
    with fresh_database_url() as url:
        yield url


@pytest.fixture(scope='module')
def portal(database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Portal]:
    migrated = command(database, 'migrate')
    assert migrated.returncode == 0, migrated.stderr
    assert 'migrated the schema from version 0 to' in migrated.stdout
    with running_portal(tmp_path_factory.mktemp('postgres'), MYPROFILE_DATABASE_URL=database) as started:
        yield started


def test_an_unmigrated_database_is_refused_with_what_to_do(postgres_server: str, tmp_path: Path) -> None:
    with fresh_database_url() as url:
        refused = command(url, 'export', str(tmp_path / 'out.json'))
        assert refused.returncode == 2
        assert 'main.py migrate' in refused.stderr
        assert not (tmp_path / 'out.json').exists()
        assert command(url, 'migrate').returncode == 0
        again = command(url, 'migrate')
        assert 'nothing to do' in again.stdout


def test_the_health_endpoint_says_the_store_answers(portal: Portal) -> None:
    response = httpx.get(f'{portal.url}/healthz', timeout=10)
    assert response.status_code == 200 and response.json() == {'status': 'ok'}


def test_a_leave_lands_in_postgresql_and_another_process_s_change_arrives_live(portal: Portal, database: str,
                                                                              page: Page) -> None:
    sign_in(page, portal.url, ADELE)
    leave_button(page, FABRIKAM.name).click()
    page.get_by_role('button', name=f'Leave {FABRIKAM.name}', exact=True).click()
    expect(guest_card(page, FABRIKAM.name)).to_have_count(0)
    with PostgresDirectoryStore(database) as store:
        left = store.membership(ADELE.subject, FABRIKAM.id)
        assert left is not None and left.state == LEFT

    expect(leave_button(page, WOODGROVE.name)).to_be_visible()
    disabled = command(database, 'disable', ADELE.subject, WOODGROVE.id)  # an administrator's command elsewhere
    assert disabled.returncode == 0, disabled.stderr
    expect(leave_button(page, WOODGROVE.name)).to_have_count(0)  # told by NOTIFY, without a reload
    expect(guest_card(page, WOODGROVE.name)).to_be_visible()

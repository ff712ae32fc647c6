"""Two portal instances on one PostgreSQL database and one Redis, in Chromium: a session started through one is
valid on the other, a leave in a tab of one disappears live from a tab of the other, sign-out through one sends
the other's open page away, and a restarted instance signs nobody out.

The browser reaches each instance on its own port (cookies are per host, not per port, so both see the same
session cookie), as a reverse proxy would route two people to two instances.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from psycopg.conninfo import conninfo_to_dict

from services.demo_directory import FABRIKAM, WOODGROVE
from tests.data.postgres_fixtures import fresh_database
from tests.e2e.conftest import ROOT, Portal, running_portal
from tests.e2e.pages import ADELE, guest_card, leave_button, sign_in, wait_until_live

pytest_plugins = ('tests.data.postgres_fixtures', 'tests.data.redis_fixtures')

REDIS_DB = 13  # the end-to-end tests' own database on the local server; sessions in it expire on their own


@contextmanager
def shared_store() -> Iterator[dict[str, str]]:
    """A fresh, migrated PostgreSQL database, a Redis, and the secret both instances sign cookies with."""
    with fresh_database() as conninfo:
        parts = conninfo_to_dict(conninfo)
        url = f'postgresql://{parts.get("user", "postgres")}@{parts.get("host", "127.0.0.1")}:' \
              f'{parts.get("port", 5432)}/{parts["dbname"]}'
        migrated = subprocess.run([sys.executable, 'main.py', 'migrate'], cwd=ROOT, capture_output=True, text=True,
                                  env={**os.environ, 'MYPROFILE_DATABASE_URL': url}, timeout=120, check=False)
        assert migrated.returncode == 0, migrated.stderr
        yield {'MYPROFILE_DATABASE_URL': url, 'MYPROFILE_REDIS_URL': f'redis://127.0.0.1:6379/{REDIS_DB}',
               'MYPROFILE_STORAGE_SECRET': secrets.token_urlsafe(48), 'MYPROFILE_DEMO': '1'}


@pytest.fixture
def shared(postgres_server: str, redis_server: str) -> Iterator[dict[str, str]]:
    with shared_store() as settings:
        yield settings


def start(folder: Path, settings: dict[str, str]) -> contextlib.AbstractContextManager[Portal]:
    folder.mkdir(parents=True, exist_ok=True)
    return running_portal(folder, **settings)


def open_on(context: BrowserContext, portal: Portal, path: str = '/organizations') -> Page:
    page = context.new_page()
    page.goto(portal.url + path)
    wait_until_live(page)
    return page


def test_two_instances_share_sessions_and_live_changes(shared: dict[str, str], tmp_path: Path,
                                                       context: BrowserContext) -> None:
    with start(tmp_path / 'a', shared) as first, start(tmp_path / 'b', shared) as second:
        on_first = context.new_page()
        sign_in(on_first, first.url, ADELE)  # through the first instance (and its demo provider)
        on_second = open_on(context, second)  # the second knows the session: no sign-in asked
        expect(on_second.get_by_role('heading', level=1)).to_have_text('Organizations')
        expect(guest_card(on_second, FABRIKAM.name)).to_be_visible()

        leave_button(on_first, FABRIKAM.name).click()
        on_first.get_by_role('button', name=f'Leave {FABRIKAM.name}', exact=True).click()
        expect(guest_card(on_first, FABRIKAM.name)).to_have_count(0)
        expect(guest_card(on_second, FABRIKAM.name)).to_have_count(0)  # the other instance's tab, live

        on_first.get_by_role('button', name='Sign out').click()
        expect(on_second).to_have_url(f'{second.url}/signed-out', timeout=5000)  # sent away on the other instance


def test_a_restarted_instance_signs_nobody_out(shared: dict[str, str], tmp_path: Path,
                                              context: BrowserContext) -> None:
    with start(tmp_path / 'a', shared) as first:
        page = context.new_page()
        sign_in(page, first.url, ADELE)
    with start(tmp_path / 'a-again', shared) as restarted:  # a new process, another port: nothing in memory
        again = open_on(context, restarted)
        expect(again.get_by_role('heading', level=1)).to_have_text('Organizations')
        expect(guest_card(again, WOODGROVE.name)).to_be_visible()

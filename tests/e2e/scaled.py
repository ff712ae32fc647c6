"""The scaled-out set-up for end-to-end tests, by hand: a shared store for several portal instances, starting one,
opening a page on one, and which one nginx sent a request to. The fixtures built from these are in
`tests/e2e/scaled_fixtures.py`."""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import BrowserContext, Page
from psycopg.conninfo import conninfo_to_dict

from tests.data.postgres_fixtures import fresh_database
from tests.e2e.conftest import ROOT, Portal, running_portal
from tests.e2e.pages import wait_until_live

REDIS_DB = 13  # the end-to-end tests' own database on the local server; sessions in it expire on their own
NGINX = shutil.which('nginx') or '/usr/sbin/nginx'


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


def start(folder: Path, settings: dict[str, str]) -> contextlib.AbstractContextManager[Portal]:
    folder.mkdir(parents=True, exist_ok=True)
    return running_portal(folder, **settings)


def open_on(context: BrowserContext, portal: Portal, path: str = '/organizations') -> Page:
    page = context.new_page()
    page.goto(portal.url + path)
    wait_until_live(page)
    return page


def portal_log(portal: Portal) -> str:
    """Everything the instance has logged so far (its access log included)."""
    return (portal.db.parent.parent / 'portal.log').read_text()


def serving(instances: list[Portal], path: str, *, client: str | None = None) -> Portal:
    """The instance whose access log has a request for `path` (from the address `client`, when given): the proxy
    keeps one client address on one instance."""
    for _ in range(50):
        for portal in instances:
            for line in portal_log(portal).splitlines():
                address, _, request = line.partition('myprofile.access: ')[2].partition(' ')
                if f"'{path}'" in request and client in (None, address):
                    return portal
        time.sleep(0.1)
    raise AssertionError(f'no instance served {path}' + (f' to {client}' if client else ''))

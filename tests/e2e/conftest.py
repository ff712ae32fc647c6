"""End-to-end fixtures: the real app in its own process on a free loopback port, and Debian's headless Chromium."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, StorageState, sync_playwright

from tests.e2e.pages import ADELE, MEGAN, signed_in_state

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = '/usr/bin/chromium'
CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
                 '--disable-background-networking', '--disable-component-update', '--disable-sync']


@dataclass(frozen=True)
class Portal:
    url: str
    db: Path
    process: subprocess.Popen

    def run_command(self, *args: str) -> subprocess.CompletedProcess:
        """Run `python main.py ARGS` against the same store, as an administrator would."""
        return subprocess.run([sys.executable, 'main.py', *args], cwd=ROOT, env=portal_environment(self.url, self.db),
                              capture_output=True, text=True, timeout=60, check=False)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        return probe.getsockname()[1]


def portal_environment(url: str, db: Path) -> dict[str, str]:
    # PYTEST_CURRENT_TEST would make NiceGUI's ui.run believe it runs inside pytest and ignore the port
    env = {k: v for k, v in os.environ.items() if not k.startswith(('MYPROFILE_', 'NICEGUI_', 'PYTEST_'))}
    port = url.rsplit(':', 1)[1]
    env.update(MYPROFILE_PUBLIC_URL=url, MYPROFILE_HOST='127.0.0.1', MYPROFILE_PORT=port, MYPROFILE_DB=str(db),
               NICEGUI_STORAGE_PATH=str(db.parent / 'nicegui'))
    return env


@contextmanager
def running_portal(folder: Path, **settings: str) -> Iterator[Portal]:
    """The real app in its own process on a free loopback port, with a fresh store under `folder`.

    `settings` are extra environment variables, e.g. `MYPROFILE_TRUSTED_PROXIES='127.0.0.1'`.
    """
    url = f'http://127.0.0.1:{free_port()}'
    db = folder / 'var' / 'directory.json'
    log = open(folder / 'portal.log', 'w')
    process = subprocess.Popen([sys.executable, 'main.py', 'serve'], cwd=ROOT,
                               env={**portal_environment(url, db), **settings}, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f'{url}/signed-out', timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f'portal did not start: {(folder / "portal.log").read_text()[-3000:]}')
            time.sleep(0.2)
        yield Portal(url=url, db=db, process=process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture
def portal(tmp_path: Path) -> Iterator[Portal]:
    """A freshly seeded portal with the demo identity provider, as after the README's run command."""
    with running_portal(tmp_path) as started:
        yield started


@pytest.fixture(scope='module')
def shared_portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Portal]:
    """One portal for a whole module: only for tests that change nothing, or change different accounts."""
    with running_portal(tmp_path_factory.mktemp('portal')) as started:
        yield started


@pytest.fixture(scope='session')
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope='session')
def browser(playwright: Playwright, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def context(new_context: Callable[..., BrowserContext]) -> BrowserContext:
    """A fresh browser profile (no cookies, no storage) for each test, in English unless a test says otherwise."""
    return new_context()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


@pytest.fixture
def new_context(browser: Browser) -> Iterator[Callable[..., BrowserContext]]:
    """Make more browser profiles (another locale, viewport or a saved signed-in state); all closed afterwards."""
    made: list[BrowserContext] = []

    def make(*, locale: str = 'en-US', width: int = 1280, height: int = 860,
             storage_state: StorageState | None = None) -> BrowserContext:
        context = browser.new_context(locale=locale, viewport={'width': width, 'height': height},
                                      storage_state=storage_state)
        context.set_default_timeout(10_000)
        made.append(context)
        return context

    yield make
    for context in made:
        context.close()


@pytest.fixture(scope='module')
def megan(browser: Browser, shared_portal: Portal) -> StorageState:
    """Megan (home organization only, one pending invitation from Tailspin Toys) signed in on the module's shared
    portal, for tests that change nothing."""
    return signed_in_state(browser, shared_portal.url, MEGAN)


@pytest.fixture(scope='module')
def adele(browser: Browser, shared_portal: Portal) -> StorageState:
    """Adele signed in (no language chosen) on the module's shared portal, for tests that change nothing."""
    return signed_in_state(browser, shared_portal.url, ADELE)

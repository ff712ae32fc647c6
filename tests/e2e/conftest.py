"""End-to-end fixtures: the real app in its own process on a free loopback port, and Debian's headless Chromium."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Playwright, sync_playwright

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
    env = {k: v for k, v in os.environ.items() if not k.startswith(('MYPROFILE_', 'NICEGUI_'))}
    port = url.rsplit(':', 1)[1]
    env.update(MYPROFILE_PUBLIC_URL=url, MYPROFILE_HOST='127.0.0.1', MYPROFILE_PORT=port, MYPROFILE_DB=str(db),
               NICEGUI_STORAGE_PATH=str(db.parent / 'nicegui'))
    return env


@pytest.fixture
def portal(tmp_path: Path) -> Iterator[Portal]:
    """A freshly seeded portal with the demo identity provider, as after the README's run command."""
    url = f'http://127.0.0.1:{free_port()}'
    db = tmp_path / 'var' / 'directory.json'
    log = open(tmp_path / 'portal.log', 'w')
    process = subprocess.Popen([sys.executable, 'main.py', 'serve'], cwd=ROOT, env=portal_environment(url, db),
                               stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f'{url}/signed-out', timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f'portal did not start: {(tmp_path / "portal.log").read_text()[-3000:]}')
            time.sleep(0.2)
        yield Portal(url=url, db=db, process=process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


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
def context(browser: Browser) -> Iterator[BrowserContext]:
    """A fresh browser profile (no cookies, no storage) for each test, in English unless a test says otherwise."""
    context = browser.new_context(locale='en-US', viewport={'width': 1280, 'height': 860})
    context.set_default_timeout(10_000)
    yield context
    context.close()

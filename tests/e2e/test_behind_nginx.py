"""Two instances behind Debian's nginx with the repository's configuration (`deploy/nginx.conf.template`), in
Chromium: sign-in and live pages work through the proxy (its websocket passing), the health endpoint answers
through it, the instances believe its forwarded headers and a client's own are replaced, and when the instance
serving a person stops, the next request goes to the other one, where they are still signed in and see the true
state."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import BrowserContext, expect

from deploy.nginx_config import write
from services.demo_directory import FABRIKAM
from tests.e2e.conftest import Portal, free_port
from tests.e2e.pages import ADELE, guest_card, leave_button, sign_in
from tests.e2e.test_two_instances import shared_store, start

pytest_plugins = ('tests.data.postgres_fixtures', 'tests.data.redis_fixtures')
NGINX = shutil.which('nginx') or '/usr/sbin/nginx'


@pytest.fixture
def proxy_port() -> int:
    return free_port()


@pytest.fixture
def instances(postgres_server: str, redis_server: str, tmp_path: Path, proxy_port: int) -> Iterator[list[Portal]]:
    public = f'http://127.0.0.1:{proxy_port}'
    with shared_store() as shared:
        settings = {**shared, 'MYPROFILE_PUBLIC_URL': public, 'MYPROFILE_TRUSTED_PROXIES': '127.0.0.1'}
        with start(tmp_path / 'a', settings) as first, start(tmp_path / 'b', settings) as second:
            yield [first, second]


@pytest.fixture
def proxy(instances: list[Portal], tmp_path: Path, proxy_port: int) -> Iterator[str]:
    if not Path(NGINX).exists():
        pytest.fail('nginx is not installed: `bash scripts/test.sh` installs Debian\'s nginx')
    config = write(listen=f'127.0.0.1:{proxy_port}', instances=[p.url.removeprefix('http://') for p in instances],
                   run_dir=tmp_path / 'nginx')
    process = subprocess.Popen([NGINX, '-c', str(config), '-e', str(tmp_path / 'nginx' / 'error.log')],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f'http://127.0.0.1:{proxy_port}'
    try:
        for _ in range(100):
            try:
                if httpx.get(f'{url}/healthz', timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        else:
            raise AssertionError(f'nginx did not start: {(tmp_path / "nginx" / "error.log").read_text()[-2000:]}')
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def serving(instances: list[Portal], path: str) -> Portal:
    """The instance whose access log has a request for `path` (the proxy keeps one client on one instance)."""
    for _ in range(50):
        for portal in instances:
            log = (portal.db.parent.parent / 'portal.log').read_text()
            if 'myprofile.access' in log and f"'{path}'" in log:
                return portal
        time.sleep(0.1)
    raise AssertionError(f'no instance served {path}')


def test_through_the_proxy_and_on_when_an_instance_stops(instances: list[Portal], proxy: str,
                                                         context: BrowserContext) -> None:
    health = httpx.get(f'{proxy}/healthz', timeout=10)
    assert health.status_code == 200 and health.json() == {'status': 'ok'}
    assert 'server' not in health.headers or 'nginx/' not in health.headers['server']  # no version announced

    page = context.new_page()
    sign_in(page, proxy, ADELE)  # through nginx: the demo provider, the callback, and the live connection
    leave_button(page, FABRIKAM.name).click()
    page.get_by_role('button', name=f'Leave {FABRIKAM.name}', exact=True).click()
    expect(guest_card(page, FABRIKAM.name)).to_have_count(0)

    httpx.get(f'{proxy}/signed-out', headers={'X-Forwarded-For': '203.0.113.9'}, timeout=10)
    first = serving(instances, '/signed-out')
    log = (first.db.parent.parent / 'portal.log').read_text()
    assert '203.0.113.9' not in log  # the proxy replaced the client's header with the address it saw

    server = serving(instances, '/organizations')
    server.process.terminate()  # the instance serving Adele stops
    server.process.wait(timeout=10)
    page.reload()  # the next request goes to the other instance
    expect(page.get_by_role('heading', level=1)).to_have_text('Organizations')  # still signed in (Redis)
    expect(guest_card(page, FABRIKAM.name)).to_have_count(0)  # and the true state (PostgreSQL)

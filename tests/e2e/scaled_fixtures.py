"""Two portal instances on one fresh PostgreSQL database and one Redis, and Debian's nginx in front of them with
the repository's configuration (`deploy/nginx.conf.template`).

Test modules load these fixtures with
`pytest_plugins = ('tests.data.postgres_fixtures', 'tests.data.redis_fixtures', 'tests.e2e.scaled_fixtures')`.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from deploy.nginx_config import write
from tests.e2e.conftest import Portal, free_port
from tests.e2e.scaled import NGINX, shared_store, start


@pytest.fixture
def shared_settings(postgres_server: str, redis_server: str) -> Iterator[dict[str, str]]:
    """What every instance shares: a fresh database and Redis prefix. (Fixtures of plugins are global to the test
    session, so the name must not be one another plugin uses: `redis_fixtures` has `shared`.)"""
    with shared_store() as settings:
        yield settings


@pytest.fixture
def proxy_port() -> int:
    return free_port()


@pytest.fixture
def proxy_addresses(proxy_port: int) -> list[str]:
    """Where nginx listens (all on `proxy_port`); a test module may override this fixture, e.g. to add IPv6."""
    return [f'127.0.0.1:{proxy_port}']


@pytest.fixture
def instance_settings() -> dict[str, str]:
    """Extra MYPROFILE_* settings for both instances behind the proxy; a test module may override this fixture."""
    return {}


@pytest.fixture
def instances(shared_settings: dict[str, str], instance_settings: dict[str, str], tmp_path: Path,
              proxy_port: int) -> Iterator[list[Portal]]:
    """Two instances, started one after the other (the first seeds the demo directory), both believing the proxy."""
    public = f'http://127.0.0.1:{proxy_port}'
    settings = {**shared_settings, 'MYPROFILE_PUBLIC_URL': public, 'MYPROFILE_TRUSTED_PROXIES': '127.0.0.1',
                **instance_settings}
    with start(tmp_path / 'a', settings) as first, start(tmp_path / 'b', settings) as second:
        yield [first, second]


@pytest.fixture
def proxy(instances: list[Portal], tmp_path: Path, proxy_port: int, proxy_addresses: list[str]) -> Iterator[str]:
    """nginx in front of `instances`, on the public URL they were given; its URL."""
    if not Path(NGINX).exists():
        pytest.fail('nginx is not installed: `bash scripts/test.sh` installs Debian\'s nginx')
    config = write(listen=proxy_addresses, instances=[p.url.removeprefix('http://') for p in instances],
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

"""Attack review findings on the transport, against the real server process: forwarded headers count only from
trusted proxies (findings 3 and 8), and the server does not name itself (finding 13)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

from tests.e2e.conftest import Portal, running_portal
from tests.security.live_pages import http_sign_in


@pytest.fixture(scope='module')
def portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Portal]:
    with running_portal(tmp_path_factory.mktemp('transport')) as started:
        yield started


def access_lines(portal: Portal, marker: str) -> list[str]:
    """The access-log lines of requests whose path holds `marker`; the line is written just after the response."""
    for _ in range(40):
        lines = [line for line in (portal.db.parent.parent / 'portal.log').read_text().splitlines()
                 if 'myprofile.access' in line and marker in line]
        if lines:
            return lines
        time.sleep(0.05)
    return []


def test_the_server_does_not_name_itself(portal: Portal) -> None:
    response = httpx.get(f'{portal.url}/signed-out')
    assert response.status_code == 200
    assert 'server' not in response.headers


def test_a_client_cannot_move_where_page_scripts_load_from(portal: Portal) -> None:
    cookie = http_sign_in(portal.url, 'demo-adele-vance')
    page = httpx.get(f'{portal.url}/organizations', timeout=30,
                     headers={'X-Forwarded-Prefix': '//evil.example', 'Cookie': cookie}).text
    assert '/_nicegui/' in page and 'evil.example' not in page


def test_a_client_cannot_choose_the_address_the_server_sees(portal: Portal) -> None:
    httpx.get(f'{portal.url}/sign-in-problem', headers={'X-Forwarded-For': '203.0.113.9'})
    lines = access_lines(portal, "'/sign-in-problem'")
    assert lines and not any('203.0.113.9' in line for line in lines)


def test_a_trusted_proxy_s_forwarded_address_counts(tmp_path_factory: pytest.TempPathFactory) -> None:
    with running_portal(tmp_path_factory.mktemp('proxied'), MYPROFILE_TRUSTED_PROXIES='127.0.0.1') as proxied:
        httpx.get(f'{proxied.url}/sign-in-problem', headers={'X-Forwarded-For': '203.0.113.9'})
        assert any('203.0.113.9' in line for line in access_lines(proxied, "'/sign-in-problem'"))

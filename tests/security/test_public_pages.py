"""Attack review finding 5: anonymous views of the public pages (signed out, sign-in problem, not allowed) cost
nothing that outlives the request. 3,000 of them used to raise the server from 128 to 420 MiB, which stayed; so
did anonymous requests for a signed-in page (each answered with a redirect to sign-in)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from services.demo_directory import FABRIKAM
from tests.e2e.conftest import Portal, running_portal
from tests.security.live_pages import http_sign_in

PUBLIC_PAGES = ('/signed-out', '/sign-in-problem?reason=refused', '/sign-in-problem?reason=cancelled')


@pytest.fixture(scope='module')
def portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Portal]:
    with running_portal(tmp_path_factory.mktemp('public')) as started:
        yield started


def resident_mib(pid: int) -> float:
    for line in Path(f'/proc/{pid}/status').read_text().splitlines():
        if line.startswith('VmRSS:'):
            return int(line.split()[1]) / 1024
    raise AssertionError('no VmRSS')


def test_three_thousand_anonymous_views_leave_the_server_s_memory_as_it_was(portal: Portal) -> None:
    with httpx.Client(base_url=portal.url, timeout=30) as anonymous:
        for path in PUBLIC_PAGES * 100:  # warm up: first requests load code and fill caches
            assert anonymous.get(path).status_code == 200
        before = resident_mib(portal.process.pid)
        for n in range(3000):
            response = anonymous.get(PUBLIC_PAGES[n % len(PUBLIC_PAGES)], headers={'Cookie': ''})
            assert response.status_code == 200
    grown = resident_mib(portal.process.pid) - before
    assert grown < 25, f'{grown:.0f} MiB more after 3,000 anonymous views'


def test_refused_and_redirected_page_requests_leave_nothing_behind(portal: Portal) -> None:
    """Anonymous requests for signed-in pages (a redirect to sign-in) and a non-administrator's requests for an
    administration page (403) are answered without keeping the page NiceGUI made for them."""
    guest = http_sign_in(portal.url, 'demo-adele-vance')  # signed in, administers nothing
    requests = (('/organizations', '', 303), (f'/admin/{FABRIKAM.id}', '', 303), ('/admin', guest, 403),
                (f'/admin/{FABRIKAM.id}', guest, 403), ('/admin/no-such-organization', guest, 403))
    with httpx.Client(base_url=portal.url, timeout=30, follow_redirects=False) as client:
        for path, cookie, status in requests * 20:
            assert client.get(path, headers={'Cookie': cookie}).status_code == status, path
        before = resident_mib(portal.process.pid)
        for n in range(3000):
            path, cookie, status = requests[n % len(requests)]
            assert client.get(path, headers={'Cookie': cookie}).status_code == status
    grown = resident_mib(portal.process.pid) - before
    assert grown < 25, f'{grown:.0f} MiB more after 3,000 refused or redirected page requests'


def test_a_public_page_is_plain_html_without_a_live_connection(portal: Portal) -> None:
    for path in PUBLIC_PAGES:
        page = httpx.get(f'{portal.url}{path}', headers={'Accept-Language': 'nl'}, timeout=30)
        assert page.status_code == 200 and page.headers['content-type'].startswith('text/html')
        assert '<html lang="nl">' in page.text and '<h1' in page.text
        assert '/_nicegui' not in page.text and '<script' not in page.text  # no page object, no socket
        assert "default-src 'none'" in page.headers['content-security-policy']

"""Two instances behind Debian's nginx with the repository's configuration (`deploy/nginx.conf.template`), in
Chromium: sign-in and live pages work through the proxy (its websocket passing), the health endpoint answers
through it, the instances believe its forwarded headers and a client's own are replaced, its access log keeps no
query strings (sign-in codes, the live connection's client ids), and when the instance serving a person stops,
the next request goes to the other one, where they are still signed in and see the true state."""

from __future__ import annotations

from pathlib import Path

import httpx
from playwright.sync_api import BrowserContext, expect

from services.demo_directory import FABRIKAM
from tests.e2e.conftest import Portal
from tests.e2e.pages import ADELE, guest_card, leave_button, sign_in
from tests.e2e.scaled import portal_log, serving

pytest_plugins = ('tests.data.postgres_fixtures', 'tests.data.redis_fixtures', 'tests.e2e.scaled_fixtures')


def test_through_the_proxy_and_on_when_an_instance_stops(instances: list[Portal], proxy: str,
                                                         context: BrowserContext, tmp_path: Path) -> None:
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
    assert '203.0.113.9' not in portal_log(first)  # the proxy replaced the client's header with the address it saw

    server = serving(instances, '/organizations')
    server.process.terminate()  # the instance serving Adele stops
    server.process.wait(timeout=10)
    page.reload()  # the next request goes to the other instance
    expect(page.get_by_role('heading', level=1)).to_have_text('Organizations')  # still signed in (Redis)
    expect(guest_card(page, FABRIKAM.name)).to_have_count(0)  # and the true state (PostgreSQL)

    access = (tmp_path / 'nginx' / 'access.log').read_text()  # a line is written when its request ends
    assert '"GET /auth/callback HTTP/1.1" 303' in access, access
    assert not any(query in access for query in ('code=', 'state=', 'client_id=')), access

"""The portal works without the internet: every script, style, font and connection comes from its own origin."""

from __future__ import annotations

from urllib.parse import urlsplit

from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.conftest import Portal
from tests.e2e.pages import ADELE, card_headings, others_section, sign_in

NOT_NETWORK = ('data', 'blob')  # inline resources the browser makes itself


def test_every_request_goes_to_the_portals_own_origin(portal: Portal, context: BrowserContext, page: Page) -> None:
    requests: list[str] = []
    sockets: list[str] = []
    context.on('request', lambda request: requests.append(request.url))
    page.on('websocket', lambda socket: sockets.append(socket.url))

    sign_in(page, portal.url, ADELE)  # the demo provider's page, the callback and the organizations page
    page.reload()
    expect(card_headings(others_section(page))).to_have_count(5)
    page.wait_for_load_state('networkidle')

    own = urlsplit(portal.url).netloc
    loaded = [url for url in requests if urlsplit(url).scheme not in NOT_NETWORK]
    assert f'{portal.url}/organizations' in loaded
    assert any('/_nicegui/' in url for url in loaded), 'expected the page to load its scripts'
    elsewhere = sorted({url for url in loaded if urlsplit(url).netloc != own or urlsplit(url).scheme != 'http'})
    assert not elsewhere, 'requests to other origins:\n' + '\n'.join(elsewhere)
    assert sockets, 'expected the live connection to open'
    assert all(urlsplit(url).scheme == 'ws' and urlsplit(url).netloc == own for url in sockets), sockets

"""Attack review finding 1: anyone who learns a page's ids (they are in the socket URL, so in proxy logs) must
not be able to watch or drive that page. Against the real app, with sockets opened by hand."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator

import httpx
import pytest
import socketio

from services.demo_directory import FABRIKAM
from tests.e2e.conftest import Portal, running_portal
from tests.security.live_pages import OpenedPage, Socket, http_sign_in, open_page
from tests.ui.sign_out import token_in

ADELE, MEGAN = 'demo-adele-vance', 'demo-megan-bowen'


@pytest.fixture(scope='module')
def portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Portal]:
    with running_portal(tmp_path_factory.mktemp('live')) as started:
        yield started


def log_of(portal: Portal) -> str:
    return (portal.db.parent.parent / 'portal.log').read_text()


def told_to_leave_for(socket: Socket, path: str) -> bool:
    return any(event == 'run_javascript' and f'location.replace({json.dumps(path)})' in data.get('code', '')
               for event, data in socket.received)


async def refused(page: OpenedPage, cookie: str | None, *, tab_id: str | None = None) -> bool:
    socket = Socket()
    try:
        await socket.connect(page, cookie, tab_id=tab_id)
    except socketio.exceptions.ConnectionError:
        return True
    await socket.sio.disconnect()
    return False


async def test_the_page_s_own_session_connects_and_nobody_else_does(portal: Portal) -> None:
    adele, megan = http_sign_in(portal.url, ADELE), http_sign_in(portal.url, MEGAN)
    page = open_page(portal.url, '/organizations', adele)
    owner = Socket()
    await owner.connect(page, adele)
    assert owner.sio.connected
    assert await refused(page, None, tab_id=page.tab_id)  # the ids alone, as read from a proxy log
    assert await refused(page, megan, tab_id=page.tab_id)  # another person's valid session
    await owner.sio.disconnect()
    assert 'refused: a live connection to a signed-in page without its session' in log_of(portal)


async def test_events_from_a_socket_the_page_did_not_admit_do_nothing(portal: Portal) -> None:
    adele = http_sign_in(portal.url, ADELE)
    page = open_page(portal.url, '/organizations', adele)
    leave_id, _ = page.element_with(**{'aria-label': f'Leave organization {FABRIKAM.name}'})
    owner = Socket()
    await owner.connect(page, adele)
    megan = http_sign_in(portal.url, MEGAN)  # the attacker holds a page of their own, admitted for their session
    attacker_page = open_page(portal.url, '/organizations', megan)
    attacker = Socket()
    await attacker.connect(attacker_page, megan)

    await attacker.sio.emit('event', page.click(leave_id))  # Adele's Leave button, from the attacker's socket
    await asyncio.sleep(1.0)
    assert not owner.saw(f'Leave {FABRIKAM.name}?')  # no dialog opened on Adele's page
    assert "a 'event' message for a page from a socket that page did not admit" in log_of(portal)

    await owner.sio.emit('event', page.click(leave_id))  # the same click from the page's own socket works
    for _ in range(50):
        if owner.saw(f'Leave {FABRIKAM.name}?'):
            break
        await asyncio.sleep(0.1)
    assert owner.saw(f'Leave {FABRIKAM.name}?')
    await owner.sio.disconnect()
    await attacker.sio.disconnect()


async def test_a_browser_log_line_cannot_forge_server_log_lines(portal: Portal) -> None:
    megan = http_sign_in(portal.url, MEGAN)
    page = open_page(portal.url, '/organizations', megan)
    socket = Socket()
    await socket.connect(page, megan)
    forged = 'x\n2026-01-01 00:00:00,000 WARNING myprofile.security: forged' + 'y' * 900_000
    await socket.sio.emit('log', {'client_id': page.client_id, 'level': 'warning', 'message': forged})
    await asyncio.sleep(0.5)
    await socket.sio.disconnect()
    log = log_of(portal)
    assert '\n2026-01-01 00:00:00,000 WARNING myprofile.security: forged' not in log
    assert 'browser said' in log and 'y' * 1000 not in log


async def test_open_pages_leave_within_a_second_of_sign_out_elsewhere(portal: Portal) -> None:
    """Finding 2: after sign-out in another tab the page must not go on receiving updates."""
    adele = http_sign_in(portal.url, ADELE)
    page = open_page(portal.url, '/organizations', adele)
    owner = Socket()
    await owner.connect(page, adele)
    token = token_in(httpx.get(f'{portal.url}/', headers={'Cookie': adele}, timeout=30).text)
    signed_out = httpx.post(f'{portal.url}/auth/logout', data={'csrf_token': token}, timeout=10,
                            headers={'Cookie': adele, 'Origin': portal.url}, follow_redirects=False)
    assert signed_out.status_code == 303
    for _ in range(15):
        if told_to_leave_for(owner, '/signed-out'):
            break
        await asyncio.sleep(0.1)
    assert told_to_leave_for(owner, '/signed-out')
    await owner.sio.disconnect()

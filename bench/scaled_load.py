"""The load generator: concurrent clients doing what a browser does to load the Organizations page, or to leave.

    python bench/scaled_load.py < JOB       JOB (JSON): url, kind ('load' or 'leave'), concurrency, start_at (wall
                                            clock), warmup, seconds, addresses, cookies; prints one JSON result

A **page load** is the browser's part that reaches the server: GET the page with the person's cookie (the
cards are in the HTML), then open the live connection as nicegui.js does (Socket.IO over a websocket, with the
page's client id, a document and a tab id, the cookie and the public Origin; NiceGUI's implicit handshake) and
wait until the server accepts it: the page is live. That is when it is timed. Then, untimed, the rest of what a
1280-pixel-wide browser makes the server do on every load: the drawer's `update:modelValue` event and the answer
to the server's question whether the drawer is open; then the page is closed (as a navigation away would).
Scripts, styles and fonts are not fetched: a browser that has loaded the portal once has them in its cache.

A **leave** is a person's click on a card's Leave button and then on the dialog's confirm button: the same two
`event` messages a browser sends on that page's live connection, each one waiting for the server's answer (the
dialog opened; then the "You left" message, sent once the commit is durable). It is timed from the first click
to that message. A leave client opens a page for the next signed-in person as above (untimed), leaves every card
on it, one after the other, and closes it.

Each client is bound to one source address (`addresses`, all loopback): nginx's ip_hash routes by the client's
address, so clients on addresses of different /24 networks reach different instances. Acknowledgements go out
every 3 s, as nicegui.js sends them. Runs in its own process, so its CPU is measured apart from everything else.
"""

from __future__ import annotations

import asyncio
import json
import re
import sys
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp
import socketio

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.pages_crowd import CLIENT_ID, NEXT_MESSAGE_ID

ELEMENTS = re.compile(r'parseElements\(String\.raw`(.*?)`\)', re.DOTALL)
TIMEOUT = 30.0
ACK_EVERY = 3.0  # nicegui.js: setInterval(ack, 3000)


class Refused(Exception):
    """The server answered, but not with success (a refused leave, a page without cards, a failed handshake)."""


async def main(job: dict[str, Any]) -> dict[str, Any]:
    sessions = [aiohttp.ClientSession(connector=aiohttp.TCPConnector(local_addr=(address, 0), limit=0),
                                      cookie_jar=aiohttp.DummyCookieJar(), timeout=aiohttp.ClientTimeout(TIMEOUT))
                for address in job['addresses']]
    start, end = job['start_at'] + job['warmup'], job['start_at'] + job['warmup'] + job['seconds']
    tally: dict[str, Any] = {'done': [], 'errors': [], 'ran_out': False}
    people: asyncio.Queue[str] = asyncio.Queue()
    for cookie in job['cookies']:
        people.put_nowait(cookie)
    await asyncio.sleep(max(0.0, job['start_at'] - time.time()))
    client = load_client if job['kind'] == 'load' else leave_client
    try:
        await asyncio.gather(*(client(sessions[i % len(sessions)], job['url'], people, end, tally)
                               for i in range(job['concurrency'])))
    finally:
        await asyncio.gather(*(session.close() for session in sessions))
    inside = [d for d in tally['done'] if start <= d['t0'] and d['t1'] <= end]
    return {'completed': sum(1 for d in tally['done'] if start <= d['t1'] <= end), 'seconds': job['seconds'],
            'ms': [(d['t1'] - d['t0']) * 1e3 for d in inside],
            'detail_ms': [d['detail'] * 1e3 for d in inside if 'detail' in d],
            'told_ok': len(tally['done']), 'errors': sum(1 for e in tally['errors'] if start <= e['t'] <= end),
            'error_examples': sorted({e['what'] for e in tally['errors']})[:5], 'ran_out': tally['ran_out']}


async def load_client(http: aiohttp.ClientSession, url: str, people: asyncio.Queue[str], end: float,
                      tally: dict[str, Any]) -> None:
    """Page loads, one after the other, of the signed-in people in turn."""
    while time.time() < end:
        cookie = people.get_nowait()
        people.put_nowait(cookie)
        page = Page(http, url, cookie)
        t0 = time.time()
        try:
            got = await page.open()
            tally['done'].append({'t0': t0, 't1': time.time(), 'detail': got - t0})
            await page.settle()
        except (Refused, aiohttp.ClientError, socketio.exceptions.SocketIOError, TimeoutError) as error:
            tally['errors'].append({'t': time.time(), 'what': f'{type(error).__name__}: {error}'[:200]})
        finally:
            await page.close()


async def leave_client(http: aiohttp.ClientSession, url: str, people: asyncio.Queue[str], end: float,
                       tally: dict[str, Any]) -> None:
    """Every card of one person after the other, until the time is up or nobody is left with cards."""
    while time.time() < end:
        try:
            cookie = people.get_nowait()
        except asyncio.QueueEmpty:
            tally['ran_out'] = True
            return
        page = Page(http, url, cookie)
        try:
            await page.open()
            await page.settle()
            for button in page.leave_buttons:
                if time.time() >= end:
                    break
                t0 = time.time()
                confirmed = await page.leave(button)
                tally['done'].append({'t0': t0, 't1': time.time(), 'detail': time.time() - confirmed})
        except (Refused, aiohttp.ClientError, socketio.exceptions.SocketIOError, TimeoutError) as error:
            tally['errors'].append({'t': time.time(), 'what': f'{type(error).__name__}: {error}'[:200]})
        finally:
            await page.close()


class Page:
    """One open Organizations page: its elements as served, its live connection, the messages that came in."""

    def __init__(self, http: aiohttp.ClientSession, url: str, cookie: str) -> None:
        self.http, self.url, self.cookie = http, url, cookie
        self.client_id = ''
        self.elements: dict[str, Any] = {}
        self.leave_buttons: list[tuple[int, str]] = []  # (element id, click listener id), in page order
        self.confirm: tuple[int, str] | None = None  # the leave dialog's confirm button, once it exists
        self.inbox: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()
        self.sio: socketio.AsyncClient | None = None
        self.next_id = self.acked = 0
        self.acks: asyncio.Task[None] | None = None

    async def open(self) -> float:
        """GET the page, then its live connection; returns when the GET's answer was complete (wall clock)."""
        async with self.http.get(self.url + '/organizations', headers={'Accept': 'text/html', 'Cookie': self.cookie},
                                 allow_redirects=False) as response:
            text = await response.text()
        got = time.time()
        client_id, next_id, elements = CLIENT_ID.search(text), NEXT_MESSAGE_ID.search(text), ELEMENTS.search(text)
        if response.status != 200 or client_id is None or next_id is None or elements is None:
            raise Refused(f'no page: HTTP {response.status} (signed out?)')
        self.client_id, self.next_id = client_id[1], int(next_id[1])
        self.elements = json.loads(_unescaped(elements[1]))
        self.leave_buttons = [(int(i), _click(e)) for i, e in self.elements.items()
                              if 'portal-leave' in e.get('class', []) and _click(e)]
        query = urlencode({'client_id': self.client_id, 'next_message_id': self.next_id, 'implicit_handshake': 'true',
                           'document_id': str(uuid.uuid4()), 'tab_id': str(uuid.uuid4())})
        # the Cookie header as an extra websocket header: python-engineio would move a connect header's cookies into
        # the HTTP session's jar, which the clients of one address share
        self.sio = sio = socketio.AsyncClient(reconnection=False, http_session=self.http,
                                              websocket_extra_options={'headers': {'Cookie': self.cookie}})
        sio.on('*', self._message)
        await sio.connect(f'{self.url}/?{query}', headers={'Origin': self.url},
                          transports=['websocket'], socketio_path='/_nicegui_ws/socket.io', wait_timeout=TIMEOUT)
        self.acks = asyncio.create_task(self._acknowledge())
        return got

    async def settle(self) -> None:
        """What a 1280-pixel browser does next: the drawer says it is shown; the server's question is answered."""
        drawer = next(((int(i), e) for i, e in self.elements.items() if e.get('tag') == 'q-drawer'), None)
        if drawer is not None:
            listener = next((ev['listener_id'] for ev in drawer[1].get('events', [])
                             if ev['type'] == 'update:modelValue'), None)
            if listener:
                await self._emit_event(drawer[0], listener, ['true'])
        await self._expect(lambda event, data: event == 'run_javascript' and '__IS_DRAWER_OPEN__' in data['code'])

    async def leave(self, button: tuple[int, str]) -> float:
        """Leave, then confirm; returns when confirm was clicked (wall clock). Raises Refused unless "You left"."""
        await self._emit_event(*button, [])
        opened = await self._expect(lambda event, data: event == 'update' and any(
            e and e.get('tag') == 'nicegui-dialog' and e.get('props', {}).get('model-value') is True
            for e in data.values() if isinstance(e, dict)))
        if self.confirm is None:
            self.confirm = next(((int(i), _click(e)) for i, e in opened.items()
                                 if isinstance(e, dict) and 'portal-leave-confirm' in e.get('class', [])), None)
            if self.confirm is None:
                raise Refused('no confirm button in the leave dialog')
        confirmed = time.time()
        await self._emit_event(*self.confirm, [])
        told = await self._expect(lambda event, data: event == 'notify')
        if told.get('type') != 'positive':
            raise Refused(f'leave refused: {told.get("message")!r}')
        return confirmed

    async def close(self) -> None:
        if self.acks is not None:
            self.acks.cancel()
        if self.sio is not None and self.sio.connected:
            await self.sio.disconnect()

    async def _emit_event(self, element: int, listener: str, args: list[str]) -> None:
        assert self.sio is not None
        await self.sio.emit('event', {'id': element, 'client_id': self.client_id, 'listener_id': listener,
                                      'args': args})

    async def _expect(self, matches: Any) -> dict[str, Any]:
        """The next message that `matches(event, data)`; those before it are passed over."""
        async with asyncio.timeout(TIMEOUT):
            while True:
                event, data = await self.inbox.get()
                if isinstance(data, dict) and matches(event, data):
                    return data

    async def _message(self, event: str, data: Any = None) -> None:
        assert self.sio is not None
        if isinstance(data, dict) and isinstance(data.get('_id'), int):
            self.next_id = data['_id'] + 1
        if event == 'run_javascript' and isinstance(data, dict) and data.get('request_id'):
            result = True if '__IS_DRAWER_OPEN__' in data.get('code', '') else None
            try:
                await self.sio.emit('javascript_response', {'request_id': data['request_id'],
                                                            'client_id': self.client_id, 'result': result})
            except socketio.exceptions.BadNamespaceError:
                pass  # the page was closed meanwhile
        self.inbox.put_nowait((event, data))

    async def _acknowledge(self) -> None:
        assert self.sio is not None
        while True:
            await asyncio.sleep(ACK_EVERY)
            if self.next_id > self.acked and self.sio.connected:
                self.acked = self.next_id
                try:
                    await self.sio.emit('ack', {'client_id': self.client_id, 'next_message_id': self.next_id})
                except socketio.exceptions.BadNamespaceError:
                    return


def _click(element: dict[str, Any]) -> str:
    return next((ev['listener_id'] for ev in element.get('events', []) if ev['type'] == 'click'), '')


def _unescaped(raw: str) -> str:
    """As nicegui.js's parseElements: the template escapes $, `, <, > and & in the elements' JSON."""
    for entity, character in (('&#36;', '$'), ('&#96;', '`'), ('&gt;', '>'), ('&lt;', '<'), ('&amp;', '&')):
        raw = raw.replace(entity, character)
    return raw


if __name__ == '__main__':
    print(json.dumps(asyncio.run(main(json.load(sys.stdin)))), flush=True)

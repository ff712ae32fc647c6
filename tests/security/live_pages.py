"""A page as a browser holds it, without Chromium: signed in over HTTP, its HTML read, its socket opened by hand.

The live-connection tests need what a browser never does: present a page's ids from another socket, with another
cookie or none, and send events for a page from a socket it did not admit.
"""

from __future__ import annotations

import html
import json
import re
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import httpx
import socketio

HIDDEN = re.compile(r'<input type="hidden" name="([^"]*)" value="([^"]*)">')
FORM_ACTION = re.compile(r'<form method="post" action="([^"]*)">')
CLIENT_ID = re.compile(r"""['"]client_id['"]:\s*['"]([0-9a-f-]{36})['"]""")
NEXT_MESSAGE_ID = re.compile(r"""['"]next_message_id['"]:\s*(\d+)""")
ELEMENTS = re.compile(r'parseElements\(String\.raw`(.*?)`\)', re.S)


def http_sign_in(url: str, subject: str) -> str:
    """Sign `subject` in through the demo provider's form; returns the Cookie header a browser would send."""
    with httpx.Client(follow_redirects=True, timeout=30) as http:
        prompt = http.get(f'{url}/organizations')
        action = FORM_ACTION.search(prompt.text)
        assert action, prompt.text[-500:]
        form = {html.unescape(k): html.unescape(v) for k, v in HIDDEN.findall(prompt.text)}
        done = http.post(httpx.URL(str(prompt.url)).join(html.unescape(action[1])), data={**form, 'account': subject})
        assert done.url.path == '/organizations', done.url
        return '; '.join(f'{cookie.name}={cookie.value}' for cookie in http.cookies.jar)


@dataclass
class OpenedPage:
    """One page as the server built it: its client id, its elements, and the ids a socket must present."""

    url: str
    client_id: str
    next_message_id: str
    elements: dict[str, Any]
    tab_id: str = field(default_factory=lambda: str(uuid.uuid4()))

    def element_with(self, **props: str) -> tuple[str, dict[str, Any]]:
        for element_id, element in self.elements.items():
            if all(element.get('props', {}).get(k) == v for k, v in props.items()):
                return element_id, element
        raise AssertionError(f'no element with {props}')

    def click(self, element_id: str) -> dict[str, Any]:
        """The event message a browser sends when the element is clicked."""
        element = self.elements[element_id]
        listener = next(e for e in element.get('events', []) if e.get('type') == 'click')
        return {'id': int(element_id), 'client_id': self.client_id, 'listener_id': listener['listener_id'],
                'args': []}


def open_page(url: str, path: str, cookie: str | None) -> OpenedPage:
    response = httpx.get(url + path, headers={'Cookie': cookie} if cookie else {}, timeout=30)
    response.raise_for_status()
    client_id, next_id, elements = (CLIENT_ID.search(response.text), NEXT_MESSAGE_ID.search(response.text),
                                    ELEMENTS.search(response.text))
    assert client_id and next_id and elements, f'no NiceGUI page at {path}'
    return OpenedPage(url=url, client_id=client_id[1], next_message_id=next_id[1], elements=json.loads(elements[1]))


class Socket:
    """A Socket.IO connection as nicegui.js opens it, recording every message the server sends it."""

    def __init__(self) -> None:
        self.sio = socketio.AsyncClient(reconnection=False)
        self.received: list[tuple[str, Any]] = []

        @self.sio.on('*')
        async def record(event: str, data: Any = None) -> None:
            self.received.append((event, data))

    async def connect(self, page: OpenedPage, cookie: str | None, *, tab_id: str | None = None) -> None:
        query = urlencode({'client_id': page.client_id, 'next_message_id': page.next_message_id,
                           'implicit_handshake': 'true', 'document_id': str(uuid.uuid4()),
                           'tab_id': tab_id or page.tab_id})
        headers = {'Origin': page.url, **({'Cookie': cookie} if cookie else {})}
        await self.sio.connect(f'{page.url}/?{query}', headers=headers, transports=['websocket'],
                               socketio_path='/_nicegui_ws/socket.io', wait_timeout=10)

    def saw(self, text: str) -> bool:
        return any(text in json.dumps(data) for _, data in self.received)

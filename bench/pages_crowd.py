"""Emulated open pages: what a server keeps per open tab, without the cost of a Chromium tab on a 2-core machine.

    python bench/pages_crowd.py URL          then one JSON command per line on stdin:
        {"open": 150, "path": "/organizations", "cookie": "session=..."}   answers {"open": TOTAL, "seconds": S}
        {"close": true}                                                     (or end of input) disconnects all, exits

Each page is what a browser does, minus rendering: GET the page with the person's cookie (so the server builds
the page, its elements and its subscriptions), read the client id NiceGUI embeds in it, and open the Socket.IO
connection with the same query as nicegui.js (`client_id`, `next_message_id`, `implicit_handshake`, a document
id and a tab id), the cookie and an Origin equal to the server's URL (the portal accepts only its own Origin).
Runs in its own process, so its CPU never counts as the runner's.
"""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import sys
import time
import uuid
from urllib.parse import urlencode

import httpx
import socketio

CLIENT_ID = re.compile(r"""['"]client_id['"]:\s*['"]([0-9a-f-]{36})['"]""")
NEXT_MESSAGE_ID = re.compile(r"""['"]next_message_id['"]:\s*(\d+)""")
PARALLEL = 8


async def open_page(http: httpx.AsyncClient, url: str, path: str, cookie: str) -> socketio.AsyncClient:
    headers = {'Accept': 'text/html', 'Cookie': cookie} if cookie else {'Accept': 'text/html'}
    response = await http.get(url + path, headers=headers)
    response.raise_for_status()
    client_id, next_id = CLIENT_ID.search(response.text), NEXT_MESSAGE_ID.search(response.text)
    if client_id is None or next_id is None:
        raise RuntimeError(f'no NiceGUI client id in the page at {response.url} (signed out?)')
    query = urlencode({'client_id': client_id[1], 'next_message_id': next_id[1], 'implicit_handshake': 'true',
                       'document_id': str(uuid.uuid4()), 'tab_id': str(uuid.uuid4())})
    sio = socketio.AsyncClient(reconnection=False)
    answer_like_a_browser(sio, client_id[1])
    await sio.connect(f'{url}/?{query}', headers={**({'Cookie': cookie} if cookie else {}), 'Origin': url},
                      transports=['websocket'], socketio_path='/_nicegui_ws/socket.io', wait_timeout=30)
    return sio


def answer_like_a_browser(sio: socketio.AsyncClient, client_id: str) -> None:
    """Answer the server's JavaScript requests (the drawer asks whether it is open on connect) and acknowledge
    messages as nicegui.js does, so the server's per-page state is what a real, idle tab leaves there."""
    acked = {'next': 0, 'sent': 0}

    @sio.on('*')
    async def any_event(event: str, data: object = None) -> None:
        try:
            await answer(event, data)
        except socketio.exceptions.BadNamespaceError:
            pass  # a message that arrived while the page was being closed

    async def answer(event: str, data: object) -> None:
        if isinstance(data, dict) and isinstance(data.get('_id'), int):
            acked['next'] = data['_id'] + 1
        if event == 'run_javascript' and isinstance(data, dict) and data.get('request_id'):
            result = True if '__IS_DRAWER_OPEN__' in data.get('code', '') else None
            await sio.emit('javascript_response', {'request_id': data['request_id'], 'client_id': client_id,
                                                   'result': result})
        if acked['next'] > acked['sent']:
            acked['sent'] = acked['next']
            await sio.emit('ack', {'client_id': client_id, 'next_message_id': acked['next']})


async def main(url: str) -> None:
    pages: list[socketio.AsyncClient] = []
    gate = asyncio.Semaphore(PARALLEL)
    loop = asyncio.get_running_loop()
    async with httpx.AsyncClient(timeout=60) as http:

        async def one(path: str, cookie: str) -> None:
            async with gate:
                pages.append(await open_page(http, url, path, cookie))

        while line := await loop.run_in_executor(None, sys.stdin.readline):
            command = json.loads(line)
            if command.get('close'):
                break
            start = time.perf_counter()
            await asyncio.gather(*(one(command['path'], command.get('cookie', '')) for _ in range(command['open'])))
            print(json.dumps({'open': len(pages), 'seconds': time.perf_counter() - start}), flush=True)
        await asyncio.gather(*(page.disconnect() for page in pages), return_exceptions=True)


if __name__ == '__main__':
    asyncio.run(main(sys.argv[1]))


class Crowd:
    """The runner's handle on one crowd process (one per server, so each server's pages are on their own)."""

    def __init__(self, url: str) -> None:
        self.process = subprocess.Popen([sys.executable, __file__, url], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, text=True)

    def open(self, count: int, path: str, cookie: str = '') -> dict[str, float]:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps({'open': count, 'path': path, 'cookie': cookie}) + '\n')
        self.process.stdin.flush()
        answer = self.process.stdout.readline()
        if not answer:
            raise RuntimeError(f'the crowd process ended (exit code {self.process.wait()}); see its stderr above')
        return json.loads(answer)

    def close(self) -> None:
        try:
            assert self.process.stdin is not None
            self.process.stdin.write(json.dumps({'close': True}) + '\n')
            self.process.stdin.close()
            self.process.wait(timeout=60)
        except (OSError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait()

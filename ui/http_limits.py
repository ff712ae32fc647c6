"""Limits on what one HTTP client may cost the server, at the protocol level before the app sees anything.

uvicorn's default parser (httptools) accepts request heads of any size and waits for them forever: one 100 MB
header took half a minute and nearly a gigabyte while everyone else waited, and thousands of half-open
connections held the file limit. This protocol refuses a request line and headers larger than `MAX_HEAD_BYTES`
at once with 431, and closes a connection whose head has not arrived within the header timeout. The number of
connections is capped by uvicorn's own `limit_concurrency` (answered with 503).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

MAX_HEAD_BYTES = 32 * 1024  # request line and headers; our own cookies and pages need a small fraction of this
_REFUSAL_TEXT = b'The request line or headers are too big.'
REFUSAL = (b'HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-type: text/plain; charset=utf-8\r\n'
           b'connection: close\r\ncontent-length: %d\r\n\r\n%s' % (len(_REFUSAL_TEXT), _REFUSAL_TEXT))

security = logging.getLogger('myprofile.security')


def bounded_protocol(*, header_timeout: float) -> type[HttpToolsProtocol]:
    """The HTTP protocol class to give uvicorn (`http=`), with this process's header timeout."""
    return type('BoundedHttpToolsProtocol', (BoundedHttpToolsProtocol,), {'header_timeout': header_timeout})


class BoundedHttpToolsProtocol(HttpToolsProtocol):
    header_timeout = 10.0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._head_bytes = 0
        self._in_head = True
        self._head_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._start_head()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_head_timer()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._in_head:
            self._head_bytes += len(data)
            if self._head_bytes > MAX_HEAD_BYTES + 8192:  # the body may start in the same packet as the head
                self._refuse(f'request head larger than {MAX_HEAD_BYTES} bytes')
                return
        super().data_received(data)

    def on_headers_complete(self) -> None:
        self._in_head = False
        self._stop_head_timer()
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._start_head()  # a kept-alive connection's next request starts its head now

    def _start_head(self) -> None:
        self._in_head, self._head_bytes = True, 0
        self._stop_head_timer()
        self._head_timer = self.loop.call_later(self.header_timeout, self._head_too_slow)

    def _stop_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_too_slow(self) -> None:
        self._head_timer = None
        if self._in_head and self._head_bytes and not self.transport.is_closing():
            security.warning('closed a connection from %s whose request head took longer than %g s',
                             (self.client or ('?',))[0], self.header_timeout)
        if self._in_head and not self.transport.is_closing():
            self.transport.close()  # an idle kept-alive connection is closed by uvicorn's keep-alive timeout too

    def _refuse(self, why: str) -> None:
        security.warning('refused with 431 from %s: %s', (self.client or ('?',))[0], why)
        self._in_head = False
        self._stop_head_timer()
        if not self.transport.is_closing():
            self.transport.write(REFUSAL)
            self.transport.close()

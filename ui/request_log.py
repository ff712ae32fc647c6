"""One access-log line per request, without query strings (they carry authorization codes and NiceGUI client ids)
and without the secret of an invitation link (`/invitations/<secret>` is logged as `/invitations/…`)."""

from __future__ import annotations

import logging
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

access_log = logging.getLogger('myprofile.access')


class RequestLog:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope['type'] != 'http' or scope.get('path', '').startswith(('/_nicegui/', '/assets/')):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def remember_status(message: Message) -> None:
            nonlocal status
            if message['type'] == 'http.response.start':
                status = message['status']
            await send(message)

        try:
            await self.app(scope, receive, remember_status)
        finally:
            client = scope.get('client') or ('-', 0)
            # %r keeps a crafted path from writing fake lines into the log
            access_log.info('%s %s %r %d %.1fms', client[0], scope.get('method'), _without_secrets(scope.get('path')),
                            status, (time.perf_counter() - started) * 1000)


def _without_secrets(path: object) -> object:
    if isinstance(path, str) and path.startswith('/invitations/'):
        return '/invitations/…'
    return path

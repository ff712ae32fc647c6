"""Headers every response carries: no caching of personal pages, no framing, no referrer leaks."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

HEADERS = {
    b'cache-control': b'no-store',
    b'referrer-policy': b'same-origin',
    b'x-content-type-options': b'nosniff',
    b'x-frame-options': b'DENY',
    b'permissions-policy': b'camera=(), microphone=(), geolocation=()',
}
# NiceGUI's Vue templates need inline scripts and eval, so script-src stays open; the rest is locked down
FRAME_POLICY = b"frame-ancestors 'none'; object-src 'none'; base-uri 'self'; form-action 'self'"


class SecurityHeaders:
    """Plain ASGI middleware, so streamed responses and websockets pass untouched."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope['type'] != 'http':
            await self.app(scope, receive, send)
            return
        static = scope.get('path', '').startswith(('/_nicegui/', '/assets/'))

        async def send_with_headers(message: Message) -> None:
            if message['type'] == 'http.response.start':
                ours = {k: v for k, v in HEADERS.items() if not (static and k == b'cache-control')}
                headers = [(k, v) for k, v in message.get('headers', []) if k.lower() not in ours]
                headers += list(ours.items())
                if not any(k.lower() == b'content-security-policy' for k, _ in headers):
                    headers.append((b'content-security-policy', FRAME_POLICY))
                message['headers'] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)

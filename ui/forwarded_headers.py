"""X-Forwarded-* headers count only when they come from a proxy the operator trusts (`MYPROFILE_TRUSTED_PROXIES`).

From anyone else they are dropped before the app sees the request: a client cannot choose the address the rate
limits and logs see (`X-Forwarded-For`), nor where page scripts load from (NiceGUI builds script URLs from
`X-Forwarded-Prefix`). From a trusted proxy, uvicorn's own middleware applies them. Nothing is trusted by default.
"""

from __future__ import annotations

import ipaddress

from starlette.types import ASGIApp, Receive, Scope, Send
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware


class ForwardedHeaders:
    def __init__(self, app: ASGIApp, trusted: tuple[str, ...] = ()) -> None:
        self.app = app
        self._trusted = [ipaddress.ip_network(entry, strict=False) for entry in trusted]
        self._proxy = ProxyHeadersMiddleware(app, trusted_hosts=list(trusted)) if trusted else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope['type'] not in ('http', 'websocket'):
            await self.app(scope, receive, send)
            return
        if self._proxy is not None and self._from_trusted(scope):
            await self._proxy(scope, receive, send)
            return
        headers = [(k, v) for k, v in scope.get('headers', [])
                   if not k.lower().startswith(b'x-forwarded-') and k.lower() != b'forwarded']
        await self.app({**scope, 'headers': headers}, receive, send)

    def _from_trusted(self, scope: Scope) -> bool:
        host = (scope.get('client') or ('', 0))[0]
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            return False
        return any(address in network for network in self._trusted)

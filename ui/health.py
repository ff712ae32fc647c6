"""`GET /healthz`: whether this instance can serve, for a load balancer or an orchestrator.

Ready (200) only when the store answers within two seconds, and Redis too when instances share sessions there
(`Services.health_checks`); otherwise 503, naming what does not answer, so the proxy sends people to another
instance. It says nothing else (no versions, no counts): anyone can ask it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from fastapi import FastAPI
from nicegui import run
from starlette.responses import JSONResponse

log = logging.getLogger(__name__)
TIMEOUT_SECONDS = 2.0


def register(app: FastAPI, checks: dict[str, Callable[[], bool]]) -> None:
    """`checks`: what must answer, by name (the store; Redis, when sessions live there)."""

    @app.get('/healthz', include_in_schema=False)
    async def healthz() -> JSONResponse:
        failing = [name for name, check in checks.items() if not await _answers(check)]
        if failing:
            log.warning('not ready: %s does not answer', ', '.join(failing))
            return JSONResponse({'status': 'unavailable', 'failing': failing}, status_code=503)
        return JSONResponse({'status': 'ok'})


async def _answers(check: Callable[[], bool]) -> bool:
    try:
        return bool(await asyncio.wait_for(run.io_bound(check), timeout=TIMEOUT_SECONDS))
    except Exception:  # any failure of a check means "not ready"; the caller logs which
        return False

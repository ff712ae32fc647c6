"""`/healthz` is ready only when every check answers (a load balancer then sends people elsewhere)."""

from __future__ import annotations

import time

import httpx
from fastapi import FastAPI

from ui import health


async def status(checks: dict) -> httpx.Response:
    app = FastAPI()
    health.register(app, checks)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url='http://test') as client:
        return await client.get('/healthz')


async def test_ready_when_the_store_answers() -> None:
    response = await status({'store': lambda: True})
    assert (response.status_code, response.json()) == (200, {'status': 'ok'})


async def test_not_ready_when_a_check_fails_raises_or_hangs(monkeypatch) -> None:
    monkeypatch.setattr(health, 'TIMEOUT_SECONDS', 0.2)

    def broken() -> bool:
        raise OSError('connection refused')

    def hanging() -> bool:
        time.sleep(1)
        return True

    response = await status({'store': lambda: False, 'sessions': broken, 'events': hanging})
    assert response.status_code == 503
    assert response.json() == {'status': 'unavailable', 'failing': ['store', 'sessions', 'events']}

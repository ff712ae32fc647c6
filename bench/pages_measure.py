"""The figures, one round at a time, interleaved across the servers of a scenario (portal, floor, floor B).

Each round of a figure runs once on every server before the next round starts, in alternating order, after one
unrecorded warm-up round; so a slow spell of the machine hits both sides alike and the ratio stays meaningful.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import BrowserContext, Page

from bench import pages_browser as browser
from bench.pages_crowd import Crowd
from bench.pages_data import ADELE
from bench.pages_servers import Server

IDLE_CPU_SECONDS = 5.0


@dataclass
class Target:
    """One server with Adele's browser context and tabs on it."""

    server: Server
    context: BrowserContext
    page: Page
    restore_file: Path | None = None  # the portal: one membership to re-import after a leave
    tab2: Page | None = None

    @property
    def name(self) -> str:
        return self.server.name

    @property
    def url(self) -> str:
        return self.server.page_url(ADELE)

    def restore(self, org_id: str) -> None:
        """Bring the left organization back: the portal by an administrator's import (its open page shows the
        card again live; we wait for that in the page), the floor through its reset endpoint."""
        if self.server.kind == 'portal':
            assert self.restore_file is not None
            self.server.run_admin('import', str(self.restore_file))
            browser.wait_back(self.page, org_id)
        else:
            httpx.post(f'{self.server.url}/reset', params={'person': ADELE}, timeout=30).raise_for_status()


def interleave(targets: list[Target], rounds: int, one: Callable[[Target], Any], *, warmup: int = 1,
               label: str = '') -> dict[str, list[Any]]:
    samples: dict[str, list[Any]] = {t.name: [] for t in targets}
    start = time.perf_counter()
    for r in range(-warmup, rounds):
        for target in targets if r % 2 == 0 else targets[::-1]:
            value = one(target)
            if r >= 0:
                samples[target.name].append(value)
    print(f'  {label}: {rounds} rounds x {len(targets)} servers in {time.perf_counter() - start:.0f} s', flush=True)
    return samples


def page_load(target: Target, settle: float = 0.0) -> dict[str, float]:
    """Navigation until the expected Leave buttons are visible and the page is live, with the server's CPU;
    `settle` seconds later, what the websocket has brought in all (the rest of a big page, if any)."""
    cpu = target.server.cpu_seconds()
    result = browser.load(target.page, target.url)
    result['cpu_ms'] = (target.server.cpu_seconds() - cpu) * 1e3
    result['usable'] = max(result['buttons'], result['live'])
    if settle:
        time.sleep(settle)
        result['wsCharsSettled'] = target.page.evaluate('window.__bench.wsChars')
    target.page.goto('about:blank')  # the old page's disconnect is not the next round's cost
    return result


def same_tab_leave(org_id: str, name: str) -> Callable[[Target], dict[str, float]]:
    def one(target: Target) -> dict[str, float]:
        loaded = browser.load(target.page, target.url)
        browser.open_dialog(target.page, org_id)
        left = browser.leave(target.page, org_id, name)
        target.restore(org_id)
        return {**loaded, 'leave': left['ms']}
    return one


def two_tab_leave(org_id: str, name: str) -> Callable[[Target], dict[str, float]]:
    def one(target: Target) -> dict[str, float]:
        assert target.tab2 is not None
        browser.load(target.tab2, target.url)
        browser.load(target.page, target.url)
        browser.open_dialog(target.page, org_id)
        browser.watch_gone(target.tab2, org_id)
        left = browser.leave(target.page, org_id, name)
        other = browser.gone_at(target.tab2) - left['t0']
        target.restore(org_id)
        return {'same_tab': left['ms'], 'other_tab': other}
    return one


def memory_per_page(targets: list[Target], *, batches: int, per_batch: int) -> dict[str, list[float]]:
    """RSS growth per open idle page of Adele (emulated pages: the server side of a tab is the same)."""
    crowds = {t.name: Crowd(t.server.url) for t in targets}
    samples: dict[str, list[float]] = {t.name: [] for t in targets}
    try:
        for target in targets:  # warm-up: first pages allocate what every later page reuses
            crowds[target.name].open(5, _path(target), _cookie(target))
        time.sleep(1)
        for b in range(batches):
            for target in targets if b % 2 == 0 else targets[::-1]:
                before = target.server.rss_kib()
                crowds[target.name].open(per_batch, _path(target), _cookie(target))
                time.sleep(2)
                samples[target.name].append((target.server.rss_kib() - before) / per_batch)
    finally:
        for crowd in crowds.values():
            crowd.close()
    return samples


def idle_cpu(targets: list[Target]) -> dict[str, float]:
    """Share of one core each server uses while its open pages sit idle (all servers measured at once)."""
    before = {t.name: t.server.cpu_seconds() for t in targets}
    time.sleep(IDLE_CPU_SECONDS)
    return {t.name: (t.server.cpu_seconds() - before[t.name]) / IDLE_CPU_SECONDS * 100 for t in targets}


def _path(target: Target) -> str:
    return target.url.removeprefix(target.server.url)


def _cookie(target: Target) -> str:
    cookies = target.context.cookies(target.server.url)
    return '; '.join(f'{c["name"]}={c["value"]}' for c in cookies)

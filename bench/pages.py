"""Browser benchmark of the Organizations page: the portal against a floor (a bare NiceGUI app with the same cards).

    .venv/bin/python bench/pages.py               30 rounds per figure (about 7 minutes)
    .venv/bin/python bench/pages.py --quick       smoke run, fewer rounds and fewer other pages (about 2 minutes)
    .venv/bin/python bench/pages.py --rounds 30

Per scenario (Adele with 5, 24, 50 or 2000 guest organizations) it generates the directory, starts the portal
(fresh store filled by `main.py import`, demo provider, limits out of the way) and `floor_app.py` on the same
data, signs Adele in once in Debian's headless Chromium, and measures both interleaved round by round. The
5-card scenario also runs a second floor process: floor against floor B (an A/A run) shows the noise. Prints
the tables and writes bench/out/pages.json (bench/out is git-ignored).
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson
from playwright.sync_api import Browser, sync_playwright

BENCH = Path(__file__).resolve().parent
OUT = BENCH / 'out'
sys.path.insert(0, str(BENCH.parent))

from bench import pages_browser as browser  # noqa: E402
from bench import pages_measure as measure  # noqa: E402
from bench import pages_report as report  # noqa: E402
from bench.pages_crowd import Crowd  # noqa: E402
from bench.pages_data import (  # noqa: E402
    ADELE,
    LIDIA,
    MEGAN,
    guest_memberships,
    organization_names,
    write_restore_file,
    write_scenario,
)
from bench.pages_servers import Server, http_sign_in, start_floor, start_portal  # noqa: E402

VISIBLE = 50  # the portal pages its cards: a person with more organizations sees the first 50
ADELE_NAME = 'Adele Vance'  # the demo provider's button for her starts with her name


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--rounds', type=int, help='rounds per figure (default 30, --quick 5)')
    parser.add_argument('--quick', action='store_true', help='a smoke run: fewer rounds and other pages')
    args = parser.parse_args()
    plan = {'rounds': args.rounds or (5 if args.quick else 30), 'big_rounds': 1 if args.quick else 5,
            'big_warmup': 0 if args.quick else 1,
            'others': 100 if args.quick else 300, 'memory_batches': 2 if args.quick else 3,
            'memory_pages': 20 if args.quick else 40}
    OUT.mkdir(exist_ok=True)
    rows: list[dict[str, Any]] = []
    start = time.perf_counter()
    with sync_playwright() as playwright:
        chrome = browser.launch(playwright)
        try:
            chromium = chrome.version
            small_pages(chrome, plan, rows)
            two_tabs(chrome, plan, rows)
            fifty_cards(chrome, plan, rows)
            many_organizations(chrome, plan, rows)
        finally:
            chrome.close()
    m = report.machine()
    result = {'machine': m, 'chromium': chromium, 'plan': plan, 'seconds': time.perf_counter() - start, 'rows': rows}
    (OUT / 'pages.json').write_text(json.dumps(result, indent=1))
    print(f'\n# {report.machine_line(m, chromium)}')
    print(f'# {plan["rounds"]} interleaved rounds per figure (2,000 cards: {plan["big_rounds"]}); '
          f'total {result["seconds"] / 60:.1f} min; raw samples in bench/out/pages.json\n')
    print(report.table(rows, 'portal', 'floor'))
    print('\nA/A: the floor against a second floor process, same run (the noise of this machine)\n')
    print(report.table([r for r in rows if 'floor B' in r['stats']], 'floor', 'floor B'))


@contextmanager
def scenario(chrome: Browser, guests: int, *, floors: tuple[str, ...] = ('floor',),
             tabs: int = 1) -> Iterator[tuple[list[measure.Target], str, str]]:
    """Portal and floor(s) on the same generated data, Adele signed in; yields the targets and the org to leave."""
    folder = OUT / f'pages-{guests}'
    data = write_scenario(folder, guests)
    document = orjson.loads(data.read_bytes())
    first = guest_memberships(document, ADELE)[0]
    restore_file = write_restore_file(folder / 'restore.json', first)
    servers: list[Server] = []
    targets: list[measure.Target] = []
    print(f'{guests} guest organizations:', flush=True)
    try:
        servers.append(start_portal(folder / 'portal', data))
        servers += [start_floor(folder, data, name) for name in floors]
        for server in servers:
            context = browser.new_context(chrome, min(guests, VISIBLE), browser.sign_in(chrome, server, ADELE_NAME))
            targets.append(measure.Target(server=server, context=context, page=context.new_page(),
                                          restore_file=restore_file if server.kind == 'portal' else None,
                                          tab2=context.new_page() if tabs == 2 else None))
        yield targets, first['organization'], organization_names(document)[first['organization']]
    finally:
        for target in targets:
            target.context.close()
        for server in servers:
            server.stop()


def small_pages(chrome: Browser, plan: dict[str, int], rows: list[dict[str, Any]]) -> None:
    """5 cards: same-tab leave, page load, CPU, memory per page (A/A with floor B), then with other pages open."""
    rounds = plan['rounds']
    with scenario(chrome, 5, floors=('floor', 'floor B')) as (targets, org, name):
        leaves = measure.interleave(targets, rounds, measure.same_tab_leave(org, name), label='same-tab leave')
        loads = measure.interleave(targets, rounds, measure.page_load, label='page load')
        memory = measure.memory_per_page(targets[:2], batches=plan['memory_batches'], per_batch=plan['memory_pages'])
        print(f'  memory: {plan["memory_batches"]} batches of {plan["memory_pages"]} pages', flush=True)
        busy, idle, rss = with_other_pages(targets[:2], plan, org, name)
    others = plan['others']
    report.figure(rows, 'same-tab leave: confirm click → card gone, 5 cards', 'ms', report.pick(leaves, 'leave'))
    load_figures(rows, loads, '5 cards')
    report.figure(rows, 'server memory per open idle page, 5 cards', 'KiB RSS', memory)
    report.figure(rows, f'with {others} other pages open: page load → Leave buttons visible', 'ms',
                  report.pick(busy, 'buttons'))
    report.figure(rows, f'with {others} other pages open: same-tab leave', 'ms', report.pick(busy, 'leave'))
    report.figure(rows, f'with {others} other pages open: idle server CPU', '% of a core',
                  {k: [v] for k, v in idle.items()})
    report.figure(rows, f'with {others} other pages open: server RSS', 'MiB', {k: [v / 1024] for k, v in rss.items()})


def with_other_pages(targets: list[measure.Target], plan: dict[str, int], org: str,
                     name: str) -> tuple[dict[str, list[Any]], dict[str, float], dict[str, int]]:
    """Megan's and Lidia's pages (emulated, live) open on each server while Adele loads and leaves."""
    crowds: list[Crowd] = []
    try:
        for target in targets:
            crowds.append(crowd := Crowd(target.server.url))
            for subject in (MEGAN, LIDIA):
                cookie = http_sign_in(target.server.url, subject) if target.server.kind == 'portal' else ''
                opened = crowd.open(plan['others'] // 2, target.server.page_url(subject).removeprefix(
                    target.server.url), cookie)
            print(f'  {target.name}: {opened["open"]} other pages open in {opened["seconds"]:.1f} s', flush=True)
        time.sleep(3)
        idle = measure.idle_cpu(targets)
        rss = {t.name: t.server.rss_kib() for t in targets}
        busy = measure.interleave(targets, plan['rounds'], measure.same_tab_leave(org, name),
                                  label=f'load and leave with {plan["others"]} other pages open')
        return busy, idle, rss
    finally:
        for crowd in crowds:
            crowd.close()


def two_tabs(chrome: Browser, plan: dict[str, int], rows: list[dict[str, Any]]) -> None:
    with scenario(chrome, 24, tabs=2) as (targets, org, name):
        samples = measure.interleave(targets, plan['rounds'], measure.two_tab_leave(org, name),
                                     label='leave in tab 1, gone in tab 2')
    report.figure(rows, 'leave in tab 1 → card gone in tab 2, 24 cards', 'ms', report.pick(samples, 'other_tab'))
    report.figure(rows, 'same-tab leave, 24 cards (other tab open)', 'ms', report.pick(samples, 'same_tab'))


def fifty_cards(chrome: Browser, plan: dict[str, int], rows: list[dict[str, Any]]) -> None:
    with scenario(chrome, 50) as (targets, _, _):
        loads = measure.interleave(targets, plan['rounds'], measure.page_load, label='page load')
    load_figures(rows, loads, '50 cards')


def many_organizations(chrome: Browser, plan: dict[str, int], rows: list[dict[str, Any]]) -> None:
    """2,000 organizations: until the first Leave buttons are visible and the page is live, and the bytes sent."""
    with scenario(chrome, 2000) as (targets, _, _):
        loads = measure.interleave(targets, plan['big_rounds'], functools.partial(measure.page_load, settle=2.0),
                                   warmup=plan['big_warmup'], label='page load')
    label = '2,000 organizations'
    report.figure(rows, f'{label}: navigation → first {VISIBLE} Leave buttons visible and live', 'ms',
                  report.pick(loads, 'usable'))
    report.figure(rows, f'{label}: time to first byte', 'ms', report.pick(loads, 'ttfb'))
    report.figure(rows, f'{label}: server CPU per page load', 'ms', report.pick(loads, 'cpu_ms'))
    for key, what in (('transfer', 'HTML document transferred'), ('decoded', 'HTML document decoded')):
        report.figure(rows, f'{label}: {what}', 'KiB', {k: [v / 1024 for v in s]
                                                        for k, s in report.pick(loads, key).items()})
    report.figure(rows, f'{label}: websocket received until usable', 'K chars',
                  {k: [v / 1000 for v in s] for k, s in report.pick(loads, 'wsChars').items()})
    report.figure(rows, f'{label}: websocket received within 2 s after usable', 'K chars',
                  {k: [v / 1000 for v in s] for k, s in report.pick(loads, 'wsCharsSettled').items()})


def load_figures(rows: list[dict[str, Any]], loads: dict[str, list[Any]], cards: str) -> None:
    report.figure(rows, f'page load: navigation → all Leave buttons visible, {cards}', 'ms',
                  report.pick(loads, 'buttons'))
    report.figure(rows, f'page load: navigation → live, {cards}', 'ms', report.pick(loads, 'live'))
    report.figure(rows, f'page load: time to first byte, {cards}', 'ms', report.pick(loads, 'ttfb'))
    report.figure(rows, f'server CPU per page load (until live), {cards}', 'ms', report.pick(loads, 'cpu_ms'))


if __name__ == '__main__':
    main()

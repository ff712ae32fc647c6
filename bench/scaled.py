"""Scale-out benchmark (issue 11): two instances behind nginx against one, and the scaled-out set-up's pages
against the single-process portal.

    .venv/bin/python bench/scaled.py            about 7 minutes on 2 idle cores (10 on a busy machine): 3 load
                                                levels, each phase twice
    .venv/bin/python bench/scaled.py --quick    about 2 minutes: fewer people, one load level, short phases

Goal: two instances serve at least 1.7x the leaves per second and the page loads per second of one instance, at
the same p95; memory per open page and page load no worse than the single-process portal's.

Set-up (bench/scaled_setup.py): a PostgreSQL database and a Redis database of its own, a generated directory
(people with 10 guest organizations each, every one of which they may leave), the demo identity provider as the
instances' external OpenID Connect provider with an account for each person, two instances and nginx with the
repository's configuration (ip_hash). Everyone taking part is signed in through the provider, as a browser is.

Throughput (bench/scaled_throughput.py, bench/scaled_load.py): closed-loop clients (no think time) doing page
loads, or leaves, through nginx with only instance A behind it, then with A and B, at each load level, in
alternating order. ip_hash routes by the first three octets of the client's address, so all of 127.0.0.x would
reach one instance: the clients are bound to source addresses 127.0.K.1 chosen (by their route in the instances'
access logs) so that half reach A and half B; with one instance behind nginx, the same addresses all reach A.
The CPU of every process group is measured over each phase, and from it the ratio this machine can reach at all.

Pages (real Chromium, bench/pages_browser.py and pages_measure.py): the single-process portal as bench/pages.py
starts it (TinyDB, demo provider) and the scaled-out set-up (through nginx, the instance 127.0.0.1 reaches),
Adele with 5 guest organizations on both: page load rounds interleaved, then memory per open idle page.
Raw figures in bench/out/scaled.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from playwright.sync_api import sync_playwright

BENCH = Path(__file__).resolve().parent
OUT = BENCH / 'out'
sys.path.insert(0, str(BENCH.parent))

from bench import pages_browser as browser  # noqa: E402
from bench import pages_measure as measure  # noqa: E402
from bench import pages_report as report  # noqa: E402
from bench import scaled_report  # noqa: E402
from bench.pages_data import write_scenario  # noqa: E402
from bench.pages_servers import Server, start_portal  # noqa: E402
from bench.scaled_setup import ScaledOut, bulk_subjects, describe, scaled_out  # noqa: E402
from bench.scaled_throughput import run_phase  # noqa: E402

ADELE_NAME = 'Adele Vance'
CARDS = 5  # Adele's guest organizations, as in the live-pages benchmark


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--quick', action='store_true', help='a smoke run of about 2 minutes')
    parser.add_argument('--levels', help='concurrent clients per phase, comma-separated (default 4,8,16; quick 8)')
    parser.add_argument('--seconds', type=float, help='measured seconds per phase (default 8, quick 5)')
    parser.add_argument('--generators', type=int, help='load generator processes (default 2)')
    args = parser.parse_args()
    quick = args.quick
    plan: dict[str, Any] = {
        'levels': [int(n) for n in args.levels.split(',')] if args.levels else [8] if quick else [4, 8, 16],
        'seconds': args.seconds or (5.0 if quick else 8.0), 'repeats': 1 if quick else 2, 'warmup': 2.0,
        'generators': args.generators or 2,
        'people': 120 if quick else 300, 'load_people': 40, 'addresses_per_instance': 2,
        'rounds': 5 if quick else 20, 'memory_batches': 2 if quick else 3, 'memory_pages': 20}
    OUT.mkdir(exist_ok=True)
    start = time.perf_counter()
    with scaled_out(OUT / 'scaled', plan['people']) as setup:
        setup.route_to(2)
        spread = setup.spread_addresses(plan['addresses_per_instance'])
        addresses = [a for pair in zip(*spread.values(), strict=True) for a in pair]  # A, B, A, B, ...
        print(f'set up: {describe(setup)}; client addresses {spread}', flush=True)
        rows, chromium = pages(setup, plan)  # first: the sign-ins below leave pages behind that are cleaned up later
        signing = time.perf_counter()
        cookies = setup.sign_in(bulk_subjects(setup.directory_file)[:plan['people']])
        print(f'{len(cookies)} people signed in through the identity provider in '
              f'{time.perf_counter() - signing:.0f} s', flush=True)
        phases = throughput(setup, plan, addresses, cookies)
        where = describe(setup) | {'addresses': spread}
    result = {'machine': report.machine(), 'chromium': chromium, 'plan': plan, 'where': where,
              'seconds': time.perf_counter() - start, 'phases': phases, 'rows': rows}
    (OUT / 'scaled.json').write_text(json.dumps(result, indent=1))
    print('\n' + scaled_report.markdown(result))


def throughput(setup: ScaledOut, plan: dict[str, Any], addresses: list[str],
               cookies: list[str]) -> list[dict[str, Any]]:
    """Page loads, then leaves; at each level, `repeats` times one instance and two in alternating order
    (ABBA...), so that a slow spell of the machine falls on both alike."""
    phases = []
    for kind in ('load', 'leave'):
        people = cookies[:plan['load_people']] if kind == 'load' else cookies
        turn = 0
        for level in plan['levels']:
            for _ in range(plan['repeats']):
                for behind in (1, 2) if turn % 2 == 0 else (2, 1):
                    phase = run_phase(setup, kind=kind, behind=behind, concurrency=level, addresses=addresses,
                                      cookies=people, plan=plan)
                    phases.append(phase)
                    print(f'  {scaled_report.phase_line(phase)}', flush=True)
                turn += 1
    return phases


def pages(setup: ScaledOut, plan: dict[str, Any]) -> tuple[list[dict[str, Any]], str]:
    """Page load and memory per open page in Chromium: the scaled-out set-up against the single-process portal."""
    setup.route_to(2)
    serving = setup.upstreams(['127.0.0.1'])['127.0.0.1']  # where the browser's and the crowd's pages go
    instance = next(s for s in setup.instances if s.name == serving)
    scaled = Server(kind='portal', name='scaled', url=setup.proxy_url, process=instance.process, log=instance.log)
    folder = OUT / 'scaled' / 'single'
    single = start_portal(folder / 'portal', write_scenario(folder, CARDS))
    single.name = 'single'
    rows: list[dict[str, Any]] = []
    targets: list[measure.Target] = []
    try:
        with sync_playwright() as playwright:
            chrome = browser.launch(playwright)
            try:
                for server in (scaled, single):
                    context = browser.new_context(chrome, CARDS, browser.sign_in(chrome, server, ADELE_NAME))
                    targets.append(measure.Target(server=server, context=context, page=context.new_page()))
                loads = measure.interleave(targets, plan['rounds'], measure.page_load, label='page load')
                memory = measure.memory_per_page(targets, batches=plan['memory_batches'],
                                                 per_batch=plan['memory_pages'])
                chromium = chrome.version
            finally:
                for target in targets:
                    target.context.close()
                chrome.close()
    finally:
        single.stop()
    label = f'{CARDS} cards, scaled-out pages on {serving} through nginx'
    report.figure(rows, f'page load: navigation → all Leave buttons visible, {label}', 'ms',
                  report.pick(loads, 'buttons'))
    report.figure(rows, f'page load: navigation → live, {label}', 'ms', report.pick(loads, 'live'))
    report.figure(rows, f'page load: time to first byte, {label}', 'ms', report.pick(loads, 'ttfb'))
    report.figure(rows, 'server CPU per page load (10 ms ticks)', 'ms', report.pick(loads, 'cpu_ms'))
    report.figure(rows, f'server memory per open idle page (batches of {plan["memory_pages"]})', 'KiB RSS', memory)
    return rows, chromium


if __name__ == '__main__':
    main()

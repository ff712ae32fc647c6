"""Benchmark of an organization's administrators' page at 10,000 guests, against a floor measured in the same run.

    .venv/bin/python bench/admin.py               30 rounds per figure (about 6 minutes)
    .venv/bin/python bench/admin.py --quick       smoke run: 5 rounds, fewer calls (about 2 minutes)
    .venv/bin/python bench/admin.py --rounds 20 --guests 10000

Set-up: a directory file in the import format (the demo's organizations, people and memberships, so Megan Bowen
administers Fabrikam and the demo provider signs her in; 100 partner organizations as the guests' homes; 9,999
generated guests of Fabrikam, plus Adele, the demo's own guest there: 10,000) is imported with `main.py import`
into a fresh store before the portal starts (the store then holds people who are not demo accounts, so the portal
runs with MYPROFILE_DEMO=1, as `refuse_demo_on_a_real_directory` asks). Then the organization's history is made
through the services, one durable commit each as in production: 20% of the guests leave on their own
(`OrganizationService.leave`), and Megan, through `OrganizationAdministration` with her own session, disables 40%
(and enables half of those again) and removes 20% (and restores half of those): about 11,000 entries in
Fabrikam's audit trail, and a guest list that mixes active, disabled and left guests.

Figures, each round interleaved across the servers as in bench/pages.py (times taken in the page with
performance.now(), a MutationObserver and Navigation Timing; server CPU and RSS from /proc):

1. open: navigation to /admin/{FABRIKAM} until the first window of 50 guest rows is in the document with a
   layout box (and until live), against the floor app's page load with 50 cards (bench/floor_app.py, Adele with
   50 guest organizations); a second floor process gives the A/A noise;
2. search: one input event puts a surname into the search box (its 250 ms debounce included) until the list
   holds exactly the matching rows and the status line changed; and, in process, `OrganizationAdministration
   .guests` with that search against a list comprehension over 10,000 dicts with the same fields;
3. activity: a click on the Activity tab of a freshly opened page until the first 25 trail entries show;
4. memory: server RSS growth per open idle page (emulated pages of bench/pages_crowd.py, opened one at a time),
   and the server's RSS with 5 + 20 pages open, against the floor's;
5. burst: 8 plain GETs of the page at the same moment (pages_crowd.py opens 8 at once), slowest response and
   failures: NiceGUI answers 500 to a page it has not built within 3 s.

In process, before the server starts: `guests(...)` and `activity(...)` timed and profiled (cProfile) on the
same store, to say where their time goes.

Prints the tables and writes bench/results/admin.md, and the raw samples to bench/out/admin.json (git-ignored).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import random
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import orjson
from playwright.sync_api import Browser, BrowserContext, sync_playwright

BENCH = Path(__file__).resolve().parent
OUT = BENCH / 'out'
RESULTS = BENCH / 'results'
sys.path.insert(0, str(BENCH.parent))

from bench import pages_browser as browser  # noqa: E402
from bench import pages_measure as measure  # noqa: E402
from bench import pages_report as report  # noqa: E402
from bench.pages_crowd import Crowd  # noqa: E402
from bench.pages_data import MEGAN, write_scenario  # noqa: E402
from bench.pages_servers import ROOT, Server, _start, free_port, portal_environment, start_floor  # noqa: E402
from services.demo_directory import DIRECTORY, FABRIKAM  # noqa: E402
from services.sessions import SignedInPerson  # noqa: E402
from services.settings import Settings  # noqa: E402
from services.wiring import Services, build_services  # noqa: E402

ADMIN_PATH = f'/admin/{FABRIKAM.id}'
GUEST_ROWS = 'ul[aria-label="Guests"] li.portal-admin-row'  # ui/components/admin_guests.py
GUEST_WINDOW = 50  # admin_guests.PAGE_SIZE: the first window of the list
TRAIL_WINDOW = 25  # admin_trail.PAGE_SIZE
SEARCH_LABEL = 'Search guests by name or e-mail'
FLOOR_CARDS = 50
BURST = 8  # as many as bench/pages_crowd.py opens at once
HOMES = 100
SYLLABLES = ('ka', 'lo', 'mi', 'ra', 'ten', 'vi', 'sor', 'da', 'nel', 'bri', 'an', 'jo', 'el', 'mar', 'ti', 'ber',
             'gan', 'ris', 'to', 'lu', 'hal', 'em', 'ser', 'qui', 'dor', 'pe', 'wyn', 'os')

# -- in the page --------------------------------------------------------------------------------------------------

# one input event with the whole text (as a paste or Playwright's fill), then: the list holds exactly the expected
# rows, each holding every word, and the Guests tab's status line no longer says what it said before
SEARCH = """async (input, {query, expected, timeout}) => {
  const panel = input.closest('.q-tab-panel') || document.body;
  const status = panel.querySelector('[role=status]');
  const list = panel.querySelector('ul[aria-label="Guests"]');
  const before = status.textContent;
  const words = query.toLowerCase().split(/\\s+/).filter(Boolean);
  const done = () => {
    if (status.textContent === before) return false;
    const rows = list.querySelectorAll('li.portal-admin-row');
    if (rows.length !== expected) return false;
    for (const row of rows) {
      const text = row.textContent.toLowerCase();
      if (!words.every((w) => text.includes(w))) return false;
    }
    return true;
  };
  let t0 = 0;
  const shown = new Promise((resolve, reject) => {
    const observer = new MutationObserver(() => {
      if (!done()) return;
      observer.disconnect();
      resolve(performance.now());
    });
    observer.observe(panel, {childList: true, subtree: true, characterData: true, attributes: true});
    setTimeout(() => { observer.disconnect(); reject(new Error(`search ${query}: still "${status.textContent}"`)); },
               timeout);
  });
  const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
  t0 = performance.now();
  setValue.call(input, query);
  input.dispatchEvent(new Event('input', {bubbles: true}));
  const t1 = await shown;
  return {ms: t1 - t0, status: status.textContent};
}"""

# a click on the Activity tab until the first `expected` entries of the trail are in the document with a layout box
ACTIVITY = """async ({expected, timeout}) => {
  const tab = [...document.querySelectorAll('[role=tab]')].find((e) => e.textContent.trim() === 'Activity');
  if (!tab) throw new Error('no Activity tab');
  const ready = () => {
    const found = document.querySelectorAll('ol.portal-activity-list li.portal-activity');
    if (found.length < expected) return false;
    for (let i = 0; i < expected; i++) if (!found[i].getClientRects().length) return false;
    return true;
  };
  const shown = new Promise((resolve, reject) => {
    const observer = new MutationObserver(() => {
      if (!ready()) return;
      observer.disconnect();
      resolve(performance.now());
    });
    observer.observe(document.body, {childList: true, subtree: true, attributes: true,
                                     attributeFilter: ['class', 'style']});
    setTimeout(() => { observer.disconnect(); reject(new Error('trail not shown')); }, timeout);
  });
  const t0 = performance.now();
  tab.click();
  return (await shown) - t0;
}"""


@dataclass
class AdminTarget(measure.Target):
    """A server of the run with Megan's (portal) or Adele's (floor) browser context; `path` is the page measured."""

    path: str = ''

    @property
    def url(self) -> str:
        return self.server.url + self.path if self.path else super().url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--rounds', type=int, help='rounds per browser figure (default 30, --quick 5)')
    parser.add_argument('--guests', type=int, default=10_000, help='guests of Fabrikam (default 10,000)')
    parser.add_argument('--quick', action='store_true', help='a smoke run: fewer rounds and calls')
    args = parser.parse_args()
    plan = {'guests': args.guests, 'rounds': args.rounds or (5 if args.quick else 30),
            'search_calls': 40 if args.quick else 200, 'plain_calls': 20 if args.quick else 50,
            'activity_calls': 3 if args.quick else 5,
            'memory_batches': 1 if args.quick else 3, 'memory_pages': 20,
            'burst_rounds': 2 if args.quick else 5}
    print(f'plan: {plan}', flush=True)
    OUT.mkdir(exist_ok=True)
    folder = OUT / 'admin'
    shutil.rmtree(folder, ignore_errors=True)
    rows: list[dict[str, Any]] = []
    notes: dict[str, Any] = {}
    start = time.perf_counter()
    document = admin_document(plan['guests'])
    directory_file = folder / 'directory.json'
    folder.mkdir(parents=True)
    directory_file.write_bytes(orjson.dumps(document))
    servers: list[Server] = []
    with sync_playwright() as playwright:
        chrome = browser.launch(playwright)
        try:
            chromium = chrome.version
            servers.append(prepare_portal(folder / 'portal', directory_file, document, plan=plan, rows=rows,
                                          notes=notes))
            floor_data = write_scenario(folder / 'floor', FLOOR_CARDS)
            servers += [start_floor(folder / 'floor', floor_data, name) for name in ('floor', 'floor B')]
            run_browser_figures(chrome, servers, document, plan=plan, rows=rows, notes=notes)
        finally:
            for server in servers:
                server.stop()
            chrome.close()
    m = report.machine()
    seconds = time.perf_counter() - start
    (OUT / 'admin.json').write_text(json.dumps({'machine': m, 'chromium': chromium, 'plan': plan, 'notes': notes,
                                                'seconds': seconds, 'rows': rows}, indent=1, default=str))
    text = markdown(rows, plan, notes, report.machine_line(m, chromium), seconds)
    print('\n' + text)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / 'admin.md').write_text(text + '\n')


# -- the data -----------------------------------------------------------------------------------------------------


def admin_document(guests: int, *, seed: int = 17) -> dict[str, list[dict[str, Any]]]:
    """The demo directory, 100 partner organizations (the guests' homes) and `guests` - 1 generated guests of
    Fabrikam (Adele is the demo's own guest there); names are two made-up words, e-mails at the home's domain."""
    rng = random.Random(seed)
    homes = [{'id': f'00000000-0000-4000-8000-{i:012d}', 'name': f'Partner {i:03d}',
              'domain': f'partner{i:03d}.example', 'privacy_url': f'https://partner{i:03d}.example/privacy',
              'privacy_contact': f'dpo@partner{i:03d}.example'} for i in range(HOMES)]
    firsts, lasts = made_up_words(rng, 120, 2), made_up_words(rng, 150, 3)
    people, memberships = [], []
    first_day = date(2019, 1, 1)
    for i in range(guests - 1):
        first, last, home = rng.choice(firsts), rng.choice(lasts), homes[i % HOMES]
        people.append({'subject': f'guest-{i:05d}', 'name': f'{first} {last}',
                       'email': f'{first}.{last}.{i}@{home["domain"]}'.lower(), 'home': home['id']})
        memberships.append({'subject': f'guest-{i:05d}', 'organization': FABRIKAM.id,
                            'joined': (first_day + timedelta(days=rng.randrange(2400))).isoformat()})
    return {'organizations': [_record(o) for o in DIRECTORY.organizations] + homes,
            'people': [_record(p) for p in DIRECTORY.people] + people,
            'memberships': [_record(m) for m in DIRECTORY.memberships] + memberships}


def made_up_words(rng: random.Random, count: int, syllables: int) -> list[str]:
    words: set[str] = set()
    while len(words) < count:
        words.add(''.join(rng.choice(SYLLABLES) for _ in range(syllables)).capitalize())
    return sorted(words)


def search_queries(document: dict[str, list[dict[str, Any]]], count: int) -> list[tuple[str, int]]:
    """Surnames as an administrator types them (lower case), each with how many guests match it (the service's
    rule: every word in "name e-mail", case-folded); the browser expects min(50, that) rows."""
    guests = {m['subject'] for m in document['memberships'] if m['organization'] == FABRIKAM.id}
    texts = [f'{p["name"]} {p.get("email") or ""}'.casefold() for p in document['people'] if p['subject'] in guests]
    surnames = sorted({p['name'].split()[-1].lower() for p in document['people'] if p['subject'].startswith('guest-')})
    random.Random(5).shuffle(surnames)
    chosen = (surnames * (count // max(len(surnames), 1) + 1))[:count]
    return [(q, sum(q in text for text in texts)) for q in chosen]


def _record(record: Any) -> dict[str, Any]:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(record).items() if v is not None}


# -- the portal: import, history, in-process figures, then the server ---------------------------------------------


def prepare_portal(folder: Path, directory_file: Path, document: dict[str, list[dict[str, Any]]], *,
                   plan: dict[str, int], rows: list[dict[str, Any]], notes: dict[str, Any]) -> Server:
    folder.mkdir(parents=True)
    url = f'http://127.0.0.1:{free_port()}'
    db = folder / 'var' / 'directory.json'
    env = {**portal_environment(url, db), 'MYPROFILE_DEMO': '1'}  # the store holds people beside the demo's
    began = time.perf_counter()
    with open(folder / 'import.log', 'w') as log:
        subprocess.run([sys.executable, 'main.py', 'import', str(directory_file)], cwd=ROOT, env=env, stdout=log,
                       stderr=subprocess.STDOUT, check=True)
    print(f'imported {len(document["people"]):,} people in {time.perf_counter() - began:.1f} s', flush=True)
    services = build_services(Settings(_env_file=None, db=db, public_url=url, oidc_issuer='',  # type: ignore[call-arg]
                                       rate_limit_leaves=1_000_000))
    try:
        session = services.sessions.start(SignedInPerson(issuer='bench', subject=MEGAN, name='Megan Bowen')).id
        notes['history'] = make_history(services, session, [p['subject'] for p in document['people']
                                                            if p['subject'].startswith('guest-')])
        in_process_figures(services, session, search_queries(document, plan['search_calls']), plan=plan, rows=rows,
                           notes=notes)
    finally:
        services.store.close()
    return _start('portal', 'portal', url, [sys.executable, 'main.py', 'serve'], env, log_path=folder / 'portal.log',
                  probe='/signed-out', db=db)


def make_history(services: Services, session: str, guests: list[str]) -> dict[str, Any]:
    """The organization's trail: guests leave on their own, Megan disables, enables, removes and restores guests,
    each a durable commit through the service as the page makes it (shuffled, so the states mix in the list)."""
    rng = random.Random(3)
    subjects = guests[:]
    rng.shuffle(subjects)
    n = len(subjects)
    leavers, disabled, removed = subjects[:n // 5], subjects[n // 5:3 * n // 5], subjects[3 * n // 5:4 * n // 5]
    admin = services.administration
    first: list[tuple[str, Callable[[], object]]] = \
        [('leave', lambda s=s: services.organizations.leave(s, FABRIKAM.id)) for s in leavers] + \
        [('disable', lambda s=s: admin.disable(session, FABRIKAM.id, s)) for s in disabled] + \
        [('remove', lambda s=s: admin.remove(session, FABRIKAM.id, s)) for s in removed]
    then: list[tuple[str, Callable[[], object]]] = \
        [('enable', lambda s=s: admin.enable(session, FABRIKAM.id, s)) for s in disabled[:len(disabled) // 2]] + \
        [('restore', lambda s=s: admin.restore(session, FABRIKAM.id, s)) for s in removed[:len(removed) // 2]]
    rng.shuffle(first)
    rng.shuffle(then)
    counts: dict[str, int] = {}
    began = time.perf_counter()
    for action, call in first + then:
        call()
        counts[action] = counts.get(action, 0) + 1
    seconds = time.perf_counter() - began
    total = sum(counts.values())
    print(f'history: {total:,} commits ({counts}) in {seconds:.1f} s, {seconds / total * 1e3:.2f} ms each', flush=True)
    return {'counts': counts, 'commits': total, 'ms_per_commit': seconds / total * 1e3}


def in_process_figures(services: Services, session: str, queries: list[tuple[str, int]], *, plan: dict[str, int],
                       rows: list[dict[str, Any]], notes: dict[str, Any]) -> None:
    """`guests(...)` with a search, against a plain comprehension over dicts of the same fields; and the trail read."""
    admin, org = services.administration, FABRIKAM.id
    everyone = admin.guests(session, org).guests
    plain = [asdict(g) for g in everyone]
    notes['guests'] = len(everyone)
    notes['states'] = {s: sum(g.state == s for g in everyone) for s in ('active', 'disabled', 'left')}
    window = GUEST_WINDOW

    def portal(query: str) -> object:
        return admin.guests(session, org, search=query, limit=window)

    def floor(query: str) -> object:
        words = query.casefold().split()
        return [g for g in plain if all(w in f'{g["name"]} {g["email"] or ""}'.casefold() for w in words)]

    def floor_sorted(query: str) -> object:
        found = floor(query)
        assert isinstance(found, list)
        return sorted(found, key=lambda g: (g['name'].casefold(), g['email'] or '', g['subject']))[:window]

    samples = timed({'portal': portal, 'floor': floor, 'floor sorted': floor_sorted}, [q for q, _ in queries])
    label = f'server: guests(search) at {len(everyone):,} guests, in process'
    report.figure(rows, f'{label} (floor: list comprehension filter over dicts)', 'ms',
                  {'portal': samples['portal'], 'floor': samples['floor']})
    report.figure(rows, f'{label} (floor: same filter + sort + first {window})', 'ms',
                  {'portal': samples['portal'], 'floor': samples['floor sorted']})
    no_search = timed({'portal': lambda _: admin.guests(session, org, limit=window)}, [''] * plan['plain_calls'])
    report.figure(rows, 'server: guests() first window, no search (the page open calls it once)', 'ms', no_search)
    notes['guests_profile'] = profile(lambda: [portal(q) for q, _ in queries[:20]], 20)
    trail = timed({'portal': lambda _: admin.activity(session, org, limit=TRAIL_WINDOW)}, [''] * plan['activity_calls'])
    notes['trail_entries'] = admin.activity(session, org, limit=1).total
    report.figure(rows, f'server: activity() first {TRAIL_WINDOW} of {notes["trail_entries"]:,} entries, in process',
                  'ms', trail)
    notes['activity_profile'] = profile(lambda: admin.activity(session, org, limit=TRAIL_WINDOW), 1)
    print(f'in process: guests(search) {statistics.median(samples["portal"]):.1f} ms, floor '
          f'{statistics.median(samples["floor"]):.2f} ms; activity() {statistics.median(trail["portal"]):.0f} ms',
          flush=True)


def timed(calls: dict[str, Callable[[str], object]], arguments: list[str]) -> dict[str, list[float]]:
    """Each call on each argument, interleaved; wall time in ms (after one unrecorded warm-up call each)."""
    samples: dict[str, list[float]] = {name: [] for name in calls}
    for call in calls.values():
        call(arguments[0])
    for argument in arguments:
        for name, call in calls.items():
            began = time.perf_counter()
            call(argument)
            samples[name].append((time.perf_counter() - began) * 1e3)
    return samples


def profile(work: Callable[[], object], calls: int, top: int = 8) -> list[str]:
    """Where the time of `work` goes: the functions with most own time, in ms per call of the measured function."""
    profiler = cProfile.Profile()
    profiler.runcall(work)
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    ordered = sorted(stats.items(), key=lambda item: item[1][2], reverse=True)[:top]
    total = sum(entry[2] for entry in stats.values())
    lines = [f'total {total / calls * 1e3:.1f} ms per call (under cProfile)']
    for (file, line, function), (_, count, own, cumulative, _) in ordered:
        where = f'{Path(file).parent.name}/{Path(file).name}:{line}' if line else file
        lines.append(f'{function} ({where}): own {own / calls * 1e3:.1f} ms, cumulative '
                     f'{cumulative / calls * 1e3:.1f} ms, {count // calls:,} calls')
    return lines


# -- in the browser -----------------------------------------------------------------------------------------------


def run_browser_figures(chrome: Browser, servers: list[Server], document: dict[str, list[dict[str, Any]]], *,
                        plan: dict[str, int], rows: list[dict[str, Any]], notes: dict[str, Any]) -> None:
    targets: list[AdminTarget] = []
    for server in servers:
        context = new_context(chrome, server)
        targets.append(AdminTarget(server=server, context=context, page=context.new_page(),
                                   path=ADMIN_PATH if server.kind == 'portal' else ''))
    portal, rounds = targets[0], plan['rounds']
    try:
        opens = measure.interleave(targets, rounds, measure.page_load, label='open')
        open_figures(rows, opens)
        notes['rss_after_browser_rounds_mib'] = {t.name: t.server.rss_kib() / 1024 for t in targets}
        searches = measure.interleave([portal], rounds, search_rounds(portal, document, rounds), label='search')
        report.figure(rows, 'search: input → matching rows and status shown (debounce 250 ms included)', 'ms',
                      report.pick(searches, 'search'))
        report.figure(rows, 'search cleared: input → first 50 of all guests back', 'ms', report.pick(searches, 'clear'))
        report.figure(rows, 'server CPU per search (incl. the clear, 10 ms ticks)', 'ms', report.pick(searches, 'cpu'))
        notes['search_status_example'] = searches['portal'][0]['status']
        trails = measure.interleave([portal], rounds, activity_round, label='activity tab')
        report.figure(rows, f'activity tab: click → first {TRAIL_WINDOW} entries shown (fresh page)', 'ms',
                      report.pick(trails, 'ms'))
        report.figure(rows, 'server CPU per first open of the activity tab (10 ms ticks)', 'ms',
                      report.pick(trails, 'cpu'))
        memory_figures(targets, plan, rows)
        burst_figures(targets, plan, rows, notes)
    finally:
        for target in targets:
            target.context.close()


def new_context(chrome: Browser, server: Server) -> BrowserContext:
    """pages_browser's context, with the init script waiting for the 50 guest rows on the portal (Megan signed in)
    and for the 50 Leave buttons on the floor (Adele's 50 cards, no sign-in)."""
    if server.kind != 'portal':
        return browser.new_context(chrome, FLOOR_CARDS, None)
    state = browser.sign_in(chrome, server, 'Megan Bowen')
    context = chrome.new_context(locale='en-US', viewport={'width': 1280, 'height': 860}, storage_state=state)
    context.set_default_timeout(browser.TIMEOUT_MS)
    script = browser.INIT_SCRIPT.replace("'button.portal-leave'", json.dumps(GUEST_ROWS))
    assert script != browser.INIT_SCRIPT, 'pages_browser.INIT_SCRIPT no longer waits for button.portal-leave'
    context.add_init_script(script.replace('__EXPECTED__', str(GUEST_WINDOW)))
    return context


def open_figures(rows: list[dict[str, Any]], opens: dict[str, list[Any]]) -> None:
    what = f'open: navigation → first {GUEST_WINDOW} guest rows shown (floor: {FLOOR_CARDS} cards\' Leave buttons)'
    report.figure(rows, what, 'ms', report.pick(opens, 'buttons'))
    report.figure(rows, 'open: navigation → live (rows shown and websocket up)', 'ms', report.pick(opens, 'usable'))
    report.figure(rows, 'open: time to first byte', 'ms', report.pick(opens, 'ttfb'))
    report.figure(rows, 'open: server CPU per page load (10 ms ticks)', 'ms', report.pick(opens, 'cpu_ms'))
    report.figure(rows, 'open: HTML document decoded', 'KiB',
                  {k: [v / 1024 for v in s] for k, s in report.pick(opens, 'decoded').items()})
    report.figure(rows, 'open: websocket received until ready', 'K chars',
                  {k: [v / 1000 for v in s] for k, s in report.pick(opens, 'wsChars').items()})


def search_rounds(target: AdminTarget, document: dict[str, list[dict[str, Any]]],
                  rounds: int) -> Callable[[measure.Target], dict[str, Any]]:
    """On one open page: each round types the next surname, then clears the box (both timed in the page)."""
    queries: Iterator[tuple[str, int]] = iter(search_queries(document, rounds + 1))  # + the warm-up round
    browser.load(target.page, target.url)
    box = target.page.get_by_label(SEARCH_LABEL)
    everyone = sum(m['organization'] == FABRIKAM.id for m in document['memberships'])

    def one(_: measure.Target) -> dict[str, Any]:
        query, matching = next(queries)
        cpu = target.server.cpu_seconds()
        found = box.evaluate(SEARCH, {'query': query, 'expected': min(GUEST_WINDOW, matching),
                                      'timeout': browser.TIMEOUT_MS})
        cleared = box.evaluate(SEARCH, {'query': '', 'expected': min(GUEST_WINDOW, everyone),
                                        'timeout': browser.TIMEOUT_MS})
        return {'search': found['ms'], 'clear': cleared['ms'], 'status': found['status'], 'matching': matching,
                'cpu': (target.server.cpu_seconds() - cpu) * 1e3}
    return one


def activity_round(target: measure.Target) -> dict[str, float]:
    """A fresh page (the trail is read when its tab is first opened), then the click on its tab."""
    browser.load(target.page, target.url)
    cpu = target.server.cpu_seconds()
    ms = target.page.evaluate(ACTIVITY, {'expected': TRAIL_WINDOW, 'timeout': browser.TIMEOUT_MS})
    result = {'ms': ms, 'cpu': (target.server.cpu_seconds() - cpu) * 1e3}
    target.page.goto('about:blank')
    return result


def memory_figures(targets: list[AdminTarget], plan: dict[str, int], rows: list[dict[str, Any]]) -> None:
    """RSS growth per open idle page, as measure.memory_per_page but one page at a time: that opens 8 at once, and 8
    admin pages at 10,000 guests at once can take more than NiceGUI's 3 s response timeout (a 500; see `burst`)."""
    batches, per_batch = plan['memory_batches'], plan['memory_pages']
    crowds = {t.name: Crowd(t.server.url) for t in targets}
    per_page: dict[str, list[float]] = {t.name: [] for t in targets}
    after_first: dict[str, list[float]] = {t.name: [] for t in targets}
    before = {t.name: t.server.rss_kib() for t in targets}
    try:
        for target in targets:  # warm-up: first pages allocate what every later page reuses
            open_one_by_one(crowds[target.name], target, 5)
        time.sleep(1)
        for b in range(batches):
            for target in targets if b % 2 == 0 else targets[::-1]:
                rss = target.server.rss_kib()
                open_one_by_one(crowds[target.name], target, per_batch)
                time.sleep(2)
                per_page[target.name].append((target.server.rss_kib() - rss) / per_batch)
                if b == 0:
                    after_first[target.name].append(target.server.rss_kib() / 1024)
    finally:
        for crowd in crowds.values():
            crowd.close()
    print(f'  memory: 5 warm-up pages, then {batches} batches of {per_batch} pages per server', flush=True)
    report.figure(rows, f'server memory per open idle page (batches of {per_batch})', 'KiB RSS', per_page)
    report.figure(rows, 'server RSS after the browser rounds, before the open pages', 'MiB',
                  {k: [v / 1024] for k, v in before.items()})
    report.figure(rows, f'server RSS with 5 + {per_batch} pages open', 'MiB', after_first)


def open_one_by_one(crowd: Crowd, target: AdminTarget, count: int) -> None:
    path, cookie = measure._path(target), measure._cookie(target)
    for _ in range(count):
        crowd.open(1, path, cookie)


def burst_figures(targets: list[AdminTarget], plan: dict[str, int], rows: list[dict[str, Any]],
                  notes: dict[str, Any]) -> None:
    samples = measure.interleave(targets, plan['burst_rounds'], burst, label=f'{BURST} page requests at once')
    report.figure(rows, f'{BURST} page requests at once (HTTP only): slowest response', 'ms',
                  report.pick(samples, 'slowest'))
    report.figure(rows, f'{BURST} page requests at once: responses that were not 200 (per round)', 'count',
                  report.pick(samples, 'failed'))
    notes['burst_failed'] = {name: f'{sum(r["failed"] for r in rounds)} of {BURST * len(rounds)}'
                             for name, rounds in samples.items()}


def burst(target: measure.Target) -> dict[str, float]:
    """`BURST` GETs of the page at the same moment (as a crowd opening pages, or several administrators)."""
    headers = {'Accept': 'text/html', 'Cookie': measure._cookie(target)}

    def get(_: int) -> tuple[float, int]:
        began = time.perf_counter()
        status = httpx.get(target.url, headers=headers, timeout=60).status_code
        return (time.perf_counter() - began) * 1e3, status
    with ThreadPoolExecutor(BURST) as pool:
        answers = list(pool.map(get, range(BURST)))
    time.sleep(1)  # the next round on this server comes after the other servers' (pages never connected)
    return {'slowest': max(ms for ms, _ in answers), 'failed': sum(status != 200 for _, status in answers)}


# -- the report ---------------------------------------------------------------------------------------------------


def markdown(rows: list[dict[str, Any]], plan: dict[str, int], notes: dict[str, Any], machine: str,
             seconds: float) -> str:
    history = notes.get('history', {})
    failed = ', '.join(f'{name} {share}' for name, share in notes.get('burst_failed', {}).items())
    lines = [
        f'# Administrators\' page at {plan["guests"]:,} guests (`bench/admin.py`)', '',
        f'{machine}. Total {seconds / 60:.1f} min.', '',
        f'Parameters: {plan["rounds"]} interleaved rounds per browser figure (after 1 warm-up round); '
        f'{plan["search_calls"]} in-process calls per search figure ({plan["plain_calls"]} without a search); '
        f'{plan["activity_calls"]} in-process trail reads; '
        f'memory: {plan["memory_batches"]} batch(es) of {plan["memory_pages"]} emulated pages, opened one at a time, '
        f'after 5 warm-up pages; {plan["burst_rounds"]} rounds of {BURST} requests at once (not answered 200: '
        f'{failed}). '
        f'Fabrikam has {notes.get("guests", 0):,} guests ({_states(notes.get("states", {}))}) and '
        f'{notes.get("trail_entries", 0):,} trail entries, made by {history.get("commits", 0):,} commits through the '
        f'services ({_states(history.get("counts", {}))}; {history.get("ms_per_commit", 0):.2f} ms each). '
        f'Floor: bench/floor_app.py with {FLOOR_CARDS} cards; in process, a list comprehension over '
        f'{notes.get("guests", 0):,} dicts. Search example status: "{notes.get("search_status_example", "")}".', '',
        report.table(rows, 'portal', 'floor'), '',
        'A/A: the floor against a second floor process, same run (the noise of this machine):', '',
        report.table([r for r in rows if 'floor B' in r['stats']], 'floor', 'floor B'), '',
        'Where the time of `guests(search=...)` goes (cProfile, own time):', '',
        *[f'- {line}' for line in notes.get('guests_profile', [])], '',
        'Where the time of `activity(limit=25)` goes (cProfile, own time):', '',
        *[f'- {line}' for line in notes.get('activity_profile', [])],
    ]
    return '\n'.join(lines)


def _states(counts: dict[str, int]) -> str:
    return ', '.join(f'{count:,} {name}' for name, count in counts.items())


if __name__ == '__main__':
    main()

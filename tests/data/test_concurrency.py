"""Two processes, each with several threads, leave and import at once: the result equals a serial run."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from data.records import AuditEntry
from data.tinydb_store import TinyDirectoryStore
from tests.data.workers import seed_directory

ROOT = Path(__file__).resolve().parents[2]
THREADS = 4


def test_concurrent_leaves_and_imports_from_two_processes_lose_nothing(store_path: Path) -> None:
    seeded = seed_directory(people=30, per_person=4)
    TinyDirectoryStore(store_path).merge_directory(seeded, AuditEntry(at='2026', actor='test', action='import'))
    app_side = TinyDirectoryStore(store_path)
    start = time.time() + 1.5
    children = [subprocess.Popen([sys.executable, '-m', 'tests.data.workers', 'race', str(store_path), name,
                                  str(THREADS), str(start)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                for name in ('first', 'second')]
    seen: set[str] = set()
    while any(child.poll() is None for child in children):
        seen |= app_side.refresh()  # a third party follows along, as the web app does
    records = []
    for child in children:
        out, err = child.communicate(timeout=120)
        assert child.returncode == 0, err.decode()
        records += json.loads(out)

    seeds = {(m.subject, m.organization) for m in seeded.memberships}
    outcomes = Counter(((r['subject'], r['organization']), r['outcome']) for r in records)
    assert outcomes == Counter({**{(seed, 'left'): 1 for seed in seeds}, **{(seed, 'already'): 1 for seed in seeds}})
    serial = {(r['subject'], f'imp-{r["token"]}') for r in records}  # every seed left, every import kept
    assert len(serial) == len(records) == 2 * len(seeds)

    final = TinyDirectoryStore(store_path)
    assert {(m.subject, m.organization) for m in final.export_directory().memberships} == serial
    audit = final.audit_entries()
    assert sorted((e.actor, e.organization) for e in audit if e.action == 'leave') == sorted(seeds)
    assert sorted(e.detail for e in audit if e.actor == 'admin') == sorted(r['token'] for r in records)
    seen |= app_side.refresh()
    assert set(app_side.export_directory().memberships) == set(final.export_directory().memberships)
    assert {subject for subject, _ in seeds} <= seen

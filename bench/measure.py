"""One measurement run in a fresh process (so its peak memory is its own); prints a JSON result.

    python bench/measure.py floor FOLDER                   one durable small write, repeated
    python bench/measure.py ours STORE                      the sharded store: open, list, leave (after import)
    python bench/measure.py baseline-import DBFILE FILE     plain TinyDB with its default JSON storage: import
    python bench/measure.py baseline DBFILE                 ... and open, list, leave
"""

from __future__ import annotations

import json
import random
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tinydb import Query, TinyDB

from data.atomic_files import write_atomically
from data.tinydb_store import TinyDirectoryStore
from services.events import MembershipEvents
from services.organizations import OrganizationService

LISTS, LEAVES, FLOOR_WRITES = 2000, 300, 1000
SLOW_BUDGET = 30.0  # seconds per baseline operation at the largest sizes


def timed(operation: Callable[..., Any], *args: Any) -> float:
    start = time.perf_counter()
    operation(*args)
    return time.perf_counter() - start


def stats(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {'p50': ordered[(len(ordered) - 1) // 2] * 1e3, 'p95': ordered[int(0.95 * (len(ordered) - 1))] * 1e3,
            'max': ordered[-1] * 1e3, 'n': len(ordered)}


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def floor(folder: Path) -> dict[str, Any]:
    """write, fsync, rename, fsync the folder: the least a durable commit can cost on this disk."""
    target, payload = folder / 'floor.json', b'{"audit":{"1":{"actor":"someone","action":"leave"}}}' * 3
    return {'write': stats([timed(lambda: write_atomically(target, payload)) for _ in range(FLOOR_WRITES)])}


def ours(store_path: Path) -> dict[str, Any]:
    """Open the store imported by `python main.py import`, then list and leave through the real service."""
    start = time.perf_counter()
    store = TinyDirectoryStore(store_path)
    opened = time.perf_counter() - start
    service = OrganizationService(store, MembershipEvents())
    rng = random.Random(7)
    subjects = sorted({m.subject for m in store.export_directory().memberships})
    lists = [timed(service.organizations_of, rng.choice(subjects)) for _ in range(LISTS)]
    leaves = [timed(service.leave, subject, store.memberships_of(subject)[0].organization)
              for subject in rng.sample(subjects, min(LEAVES, len(subjects)))]
    return {'open_s': opened, 'list': stats(lists), 'leave': stats(leaves), 'peak_mib': peak_mib(),
            'store_mib': sum(p.stat().st_size for p in store_path.parent.rglob('*') if p.is_file()) / 2**20}


def baseline_import(db_path: Path, file: Path) -> dict[str, Any]:
    """Plain TinyDB's fastest import: one `insert_multiple` per table into its default JSON storage."""
    document = json.loads(file.read_text())
    start = time.perf_counter()
    with TinyDB(db_path) as db:
        for table in ('organizations', 'people', 'memberships'):
            db.table(table).insert_multiple(document[table])
    return {'import_s': time.perf_counter() - start}


def baseline(db_path: Path) -> dict[str, Any]:
    """The same operations on plain TinyDB: a query re-reads the file, a write rewrites it (twice for a leave)."""
    start = time.perf_counter()
    db = TinyDB(db_path)
    memberships, audit = db.table('memberships'), db.table('audit')
    pairs = [(m['subject'], m['organization']) for m in memberships]
    opened = time.perf_counter() - start
    rng = random.Random(7)
    member = Query()

    def list_of(subject: str) -> None:
        memberships.search(member.subject == subject)

    def leave(subject: str, org: str) -> None:
        memberships.remove((member.subject == subject) & (member.organization == org))
        audit.insert({'at': 'now', 'actor': subject, 'action': 'leave', 'organization': org})

    lists: list[float] = []
    deadline = time.perf_counter() + SLOW_BUDGET
    while len(lists) < LISTS and (len(lists) < 5 or time.perf_counter() < deadline):
        lists.append(timed(list_of, rng.choice(pairs)[0]))
    leaves: list[float] = []
    deadline = time.perf_counter() + SLOW_BUDGET
    for subject, org in rng.sample(pairs, min(LEAVES, len(pairs))):
        if len(leaves) >= 5 and time.perf_counter() > deadline:
            break
        leaves.append(timed(leave, subject, org))
    return {'open_s': opened, 'list': stats(lists), 'leave': stats(leaves), 'peak_mib': peak_mib(),
            'store_mib': db_path.stat().st_size / 2**20}


if __name__ == '__main__':
    kind, *paths = sys.argv[1:]
    measures: dict[str, Callable[..., dict[str, Any]]] = {
        'floor': floor, 'ours': ours, 'baseline-import': baseline_import, 'baseline': baseline}
    print(json.dumps(measures[kind](*map(Path, paths))))

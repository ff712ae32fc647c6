"""kill -9 at random instants while another process leaves and imports: acknowledged writes survive, all or nothing.

Each round starts a child on the store, kills it with SIGKILL after a random delay (sometimes while it is still
starting or finishing a predecessor's transaction), then opens a copy of the store and checks it. The copy
keeps the original as the killed child left it, so the next child has to recover it itself.
"""

from __future__ import annotations

import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from data.records import AuditEntry
from data.tinydb_store import TinyDirectoryStore
from tests.data.workers import seed_directory

ROOT = Path(__file__).resolve().parents[2]
KILLS = 40


def test_acknowledged_writes_survive_kill_9_and_every_change_is_all_or_nothing(store_path: Path,
                                                                                tmp_path: Path) -> None:
    seeded = seed_directory(people=60, per_person=5)
    TinyDirectoryStore(store_path).merge_directory(seeded, AuditEntry(at='2026', actor='test', action='import'))
    acknowledged: list[list[str]] = []
    rng = random.Random(20260101)
    for round_number in range(KILLS):
        child = subprocess.Popen([sys.executable, '-m', 'tests.data.workers', 'crash', str(store_path),
                                  str(round_number)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(rng.uniform(0.05, 0.7))
        child.send_signal(signal.SIGKILL)
        out, err = child.communicate(timeout=30)
        assert child.returncode == -signal.SIGKILL, err.decode()
        acknowledged += [line.split() for line in out.decode().splitlines(keepends=True) if line.endswith('\n')]
        check(store_path, tmp_path / f'copy-{round_number}', acknowledged, seeded)
    assert sum(1 for ack in acknowledged if ack[0] == 'import') > KILLS  # the kills did land among writes


def check(store_path: Path, copy: Path, acknowledged: list[list[str]], seeded: object) -> None:
    shutil.copytree(store_path.parent, copy)
    store = TinyDirectoryStore(copy / store_path.name)  # opens: every file valid, unfinished work settled
    memberships = {(m.subject, m.organization) for m in store.export_directory().memberships}
    audit = store.audit_entries()
    for kind, *fields in acknowledged:
        if kind == 'leave':
            assert (fields[0], fields[1]) not in memberships
        elif kind == 'import':
            assert {(subject, f'imp-{fields[0]}') for subject in fields[1:]} <= memberships
        else:
            assert store.person(fields[0]) is not None
            assert store.organization(f'home-{fields[0]}') is not None
    left = {(e.actor, e.organization) for e in audit if e.action == 'leave'}
    gone = {(m.subject, m.organization) for m in seeded.memberships} - memberships
    assert left == gone  # every removal has its audit record and no audit record lacks its removal
    imports = {e.detail for e in audit if e.action == 'import' and e.actor == 'admin'}
    imported_orgs = {org.removeprefix('imp-') for _, org in memberships if org.startswith('imp-')}
    assert imports == imported_orgs  # an import's organization, memberships and audit record: all or nothing
    assert not [p for p in copy.rglob('*') if '.tmp-' in p.name or '.building-' in p.name]
    shutil.rmtree(copy)

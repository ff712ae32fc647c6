"""Child processes for the crash and concurrency tests: they write to a store and acknowledge on stdout.

    python -m tests.data.workers crash STORE SEED         random leaves, imports and sign-ups until killed
    python -m tests.data.workers race STORE NAME THREADS START   leaves and imports in threads, from START
"""

from __future__ import annotations

import json
import random
import sys
import threading
import time
from pathlib import Path

from data.errors import MembershipNotFound
from data.records import AuditEntry, Directory, Membership, Organization, Person
from data.tinydb_store import TinyDirectoryStore
from tests.data.removal import remove_membership

SEED_ORGS = tuple(Organization(id=f'seed-{i}', name=f'Seed {i}', domain=f'seed{i}.example') for i in range(6))


def seed_directory(people: int, per_person: int) -> Directory:
    persons = tuple(Person(subject=f'sub-{n:03d}', name=f'Person {n}', home='seed-0') for n in range(people))
    return Directory(organizations=SEED_ORGS, people=persons, memberships=tuple(
        Membership(subject=p.subject, organization=o.id) for p in persons for o in SEED_ORGS[1:per_person + 1]))


def leave(store: TinyDirectoryStore, subject: str, org: str) -> None:
    remove_membership(store, subject, org, AuditEntry(at='2026-01-01', actor=subject, action='leave', organization=org))


def import_one(store: TinyDirectoryStore, token: str, subjects: list[str]) -> None:
    org = Organization(id=f'imp-{token}', name=f'Imported {token}', domain=f'{token}.example')
    store.merge_directory(Directory(organizations=(org,), people=(), memberships=tuple(
        Membership(subject=s, organization=org.id) for s in subjects)),
        AuditEntry(at='2026-01-01', actor='admin', action='import', detail=token))


def crash(path: Path, seed: int) -> None:
    """Write forever; print each write only once the store returned (it is then acknowledged)."""
    rng = random.Random(seed)
    store = TinyDirectoryStore(path)
    people = sorted(store.export_directory().people, key=lambda p: p.subject)
    for number in range(1_000_000):
        choice = rng.random()
        if choice < 0.6:
            subject = rng.choice(people).subject
            seeded = [m.organization for m in store.memberships_of(subject) if m.organization.startswith('seed-')]
            if seeded:
                leave(store, subject, seeded[0])
                print('leave', subject, seeded[0], flush=True)
        elif choice < 0.9:
            token, subjects = f'{seed}-{number}', sorted({rng.choice(people).subject for _ in range(3)})
            import_one(store, token, subjects)
            print('import', token, *subjects, flush=True)
        else:
            subject = f'new-{seed}-{number}'
            store.add_person(Person(subject=subject, name='New', home=f'home-{subject}'),
                             Organization(id=f'home-{subject}', name='Home'))
            print('person', subject, flush=True)


def race(path: Path, name: str, threads: int, start: float) -> None:
    """Each thread leaves every membership of its share (the other process has the same share) and imports one
    new membership per leave; prints one record per operation."""
    store = TinyDirectoryStore(path)
    work = sorted((m.subject, m.organization) for m in store.export_directory().memberships
                  if m.organization.startswith('seed-'))
    time.sleep(max(0.0, start - time.time()))  # both processes begin together, whatever their start-up took
    records: list[dict[str, str]] = []
    lock = threading.Lock()

    def run(number: int) -> None:
        for i, (subject, org) in enumerate(work[number::threads]):
            try:
                leave(store, subject, org)
                outcome = 'left'
            except MembershipNotFound:
                outcome = 'already'
            token = f'{name}-{number}-{i}'
            import_one(store, token, [subject])
            with lock:
                records.append({'subject': subject, 'organization': org, 'outcome': outcome, 'token': token})
    workers = [threading.Thread(target=run, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    print(json.dumps(records))


if __name__ == '__main__':
    if sys.argv[1] == 'crash':
        crash(Path(sys.argv[2]), int(sys.argv[3]))
    else:
        race(Path(sys.argv[2]), sys.argv[3], int(sys.argv[4]), float(sys.argv[5]))

"""Child processes for the PostgreSQL crash tests: they write to the store at URL and acknowledge on stdout.

    python -m tests.data.postgres_workers crash URL SEED        leaves, restores, imports, sign-ups (two threads)
    python -m tests.data.postgres_workers merge URL TOKEN PEOPLE   one big import of a new organization
    python -m tests.data.postgres_workers restore URL FILE      restore_from a backup
    python -m tests.data.postgres_workers hold URL              takes the writers' lock inside `transact`, keeps it

Each prints `ready` once its store is open, then a line per write only after the store returned (acknowledged);
`merge` and `restore` then wait to be killed, so a child's end is always the parent's SIGKILL.
A line is one write(2) of less than PIPE_BUF bytes, so a kill never leaves half of one. The parent names each
child's connections by putting `application_name` in URL.
"""

from __future__ import annotations

import os
import random
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path

from data.postgres_store import PostgresDirectoryStore
from data.records import ACTIVE, LEFT, AuditEntry, Changes, Directory, Membership, Organization, Person
from data.repository import DirectoryReader

SEED_ORGS = tuple(Organization(id=f'seed-{i}', name=f'Seed {i}') for i in range(5))
PEOPLE = tuple(Person(subject=f'sub-{n:02d}', name=f'Person {n}', home='seed-0') for n in range(24))
SEEDED = Directory(organizations=SEED_ORGS, people=PEOPLE, memberships=tuple(
    Membership(subject=p.subject, organization=o.id) for p in PEOPLE for o in SEED_ORGS[1:]))
LEFT_AT = '2026-01-01T00:00:00+00:00'
FLIPS = {ACTIVE: ('leave', LEFT), LEFT: ('restore', ACTIVE)}  # a membership's state: the action, the new state
THREADS = 2


def acknowledge(*words: str) -> None:
    os.write(1, (' '.join(words) + '\n').encode())


def flip(store: PostgresDirectoryStore, subject: str, org: str, token: str, pause: float = 0.0) -> str:
    """Leave the membership if it is active, restore it if it was left (decided inside the transaction, after
    `pause` seconds of holding the writers' lock); returns the action taken."""
    taken: list[str] = []

    def work(reader: DirectoryReader) -> Changes:
        membership = reader.membership(subject, org)
        assert membership is not None, (subject, org)
        time.sleep(pause)
        action, state = FLIPS[membership.state]
        taken.append(action)
        return Changes(put=(replace(membership, state=state, left_at=LEFT_AT if state == LEFT else None),),
                       audit=(AuditEntry(at=LEFT_AT, actor=subject, action=action, organization=org,
                                         subject=subject, detail=token),))
    store.transact(work)
    return taken[-1]


def import_plan(token: str) -> Directory:
    """The import `token` makes: a new organization with a new person and three seeded people as members."""
    org = Organization(id=f'imp-{token}', name=f'Imported {token}')
    newcomer = Person(subject=f'imp-{token}', name='Imported', home=org.id)
    members = [newcomer.subject, *(p.subject for p in random.Random(token).sample(PEOPLE, 3))]
    return Directory(organizations=(org,), people=(newcomer,), memberships=tuple(
        Membership(subject=s, organization=org.id, joined='2026-01-01') for s in members))


def import_audit(token: str) -> AuditEntry:
    return AuditEntry(at=LEFT_AT, actor='admin', action='import', organization=f'imp-{token}', detail=token)


def crash(url: str, seed: str) -> None:
    """Write until killed, in two threads that queue for the writers' lock."""
    store = PostgresDirectoryStore(url, pool_size=THREADS)
    acknowledge('ready')

    def run(thread: int) -> None:
        rng = random.Random(f'{seed}-{thread}')
        for number in range(1_000_000):
            token, choice = f'{seed}.{thread}.{number}', rng.random()
            if choice < 0.7:
                subject, org = rng.choice(PEOPLE).subject, rng.choice(SEED_ORGS[1:]).id
                acknowledge('flip', token, subject, org, flip(store, subject, org, token, rng.uniform(0, 0.004)))
            elif choice < 0.9:
                store.merge_directory(import_plan(token), import_audit(token))
                acknowledge('import', token)
            else:
                store.add_person(Person(subject=f'new-{token}', name='New', home=f'home-{token}'),
                                 Organization(id=f'home-{token}', name='Home'))
                acknowledge('person', token)
    for thread in [threading.Thread(target=run, args=(n,)) for n in range(THREADS)]:
        thread.start()


def big_import(token: str, people: int) -> tuple[Directory, AuditEntry]:
    """One organization and `people` new people, each a member of it and of `seed-1`."""
    org = Organization(id=f'big-{token}', name=f'Big {token}')
    persons = tuple(Person(subject=f'big-{token}-{n:06d}', name=f'Big {n}', home=org.id) for n in range(people))
    return (Directory(organizations=(org,), people=persons, memberships=tuple(
        Membership(subject=p.subject, organization=o) for p in persons for o in (org.id, 'seed-1'))),
        AuditEntry(at=LEFT_AT, actor='admin', action='import', organization=org.id, detail=token))


def merge(url: str, token: str, people: int) -> None:
    directory, audit = big_import(token, people)
    with PostgresDirectoryStore(url, pool_size=1) as store:
        acknowledge('ready')
        store.merge_directory(directory, audit)
        acknowledge('merged', token)
        threading.Event().wait()


def restore(url: str, source: str) -> None:
    with PostgresDirectoryStore(url, pool_size=1) as store:
        acknowledge('ready')
        store.restore_from(Path(source))
        acknowledge('restored')
        threading.Event().wait()


def hold(url: str) -> None:
    """Like an instance that hangs in the middle of a write: the lock stays taken until the process dies (or for
    30 s, so that a test waiting for it fails rather than hangs)."""
    def work(reader: DirectoryReader) -> Changes:
        reader.counts()  # it decides from what it read: it holds the lock once the read returns
        acknowledge('holding')
        time.sleep(30)
        return Changes()
    with PostgresDirectoryStore(url, pool_size=1) as store:
        store.transact(work)


if __name__ == '__main__':
    command, arguments = sys.argv[1], sys.argv[2:]
    if command == 'crash':
        crash(*arguments)
    elif command == 'merge':
        merge(arguments[0], arguments[1], int(arguments[2]))
    elif command == 'restore':
        restore(*arguments)
    else:
        hold(*arguments)

"""Two processes with four threads each leave and restore the same memberships at once: every attempt decides
from a state nobody else can change, so there is exactly one winner each time and the audit trail, replayed
serially, gives exactly the outcomes the workers saw and the final state."""

from __future__ import annotations

import multiprocessing
import random
import threading
from collections import Counter
from dataclasses import replace
from typing import Any

from data.postgres_store import PostgresDirectoryStore
from data.records import ACTIVE, LEFT, AuditEntry, Changes, Directory, Membership, Organization, Person
from data.repository import DirectoryReader

pytest_plugins = ('tests.data.postgres_fixtures',)

PROCESSES, THREADS, ROUNDS = 2, 4, 25
ORG = Organization(id='org-g', name='Guests')
PEOPLE = tuple(Person(subject=f'sub-{n:02d}', name=f'Person {n}', home='org-h') for n in range(12))
SEEDED = Directory(organizations=(ORG, Organization(id='org-h', name='Home')), people=PEOPLE,
                   memberships=tuple(Membership(subject=p.subject, organization=ORG.id) for p in PEOPLE))
WANTS = {'leave': (ACTIVE, LEFT), 'restore': (LEFT, ACTIVE)}  # the state an action needs, and what it makes


class Refused(Exception):
    pass


def attempt(store: PostgresDirectoryStore, action: str, subject: str, token: str) -> str:
    """One leave or restore, decided inside the transaction; 'won' or 'refused'."""
    needs, makes = WANTS[action]

    def work(reader: DirectoryReader) -> Changes:
        membership = reader.membership(subject, ORG.id)
        if membership is None or membership.state != needs:
            raise Refused
        return Changes(put=(replace(membership, state=makes, left_at='2026-01-01' if makes == LEFT else None),),
                       audit=(AuditEntry(at='2026-01-01', actor=subject, action=action, organization=ORG.id,
                                         subject=subject, detail=token),))
    try:
        store.transact(work)
    except Refused:
        return 'refused'
    return 'won'


def worker(url: str, name: str, barrier: Any, results: Any) -> None:
    """Three phases, all threads of both processes starting each together: everyone leaves every membership
    once, everyone restores every membership once, then everyone leaves or restores at random."""
    store = PostgresDirectoryStore(url, pool_size=THREADS)
    records: list[tuple[str, str, str, str, str]] = []  # phase, action, subject, outcome, token
    lock = threading.Lock()

    def run(number: int) -> None:
        rng = random.Random(f'{name}-{number}')
        subjects = [p.subject for p in PEOPLE]
        for phase, plan in (('leave once', None), ('restore once', None), ('random', ROUNDS)):
            barrier.wait()
            rng.shuffle(subjects)
            steps = [(rng.choice(tuple(WANTS)), rng.choice(subjects)) for _ in range(plan)] if plan else \
                [('leave' if phase == 'leave once' else 'restore', s) for s in subjects]
            for i, (action, subject) in enumerate(steps):
                token = f'{name}-{number}-{phase}-{i}'
                outcome = attempt(store, action, subject, token)
                with lock:
                    records.append((phase, action, subject, outcome, token))
    threads = [threading.Thread(target=run, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    store.close()
    results.put(records)


def test_concurrent_leaves_and_restores_have_exactly_one_winner(pg_store: PostgresDirectoryStore) -> None:
    pg_store.merge_directory(SEEDED, AuditEntry(at='2026', actor='test', action='import'))
    context = multiprocessing.get_context('spawn')
    barrier, results = context.Barrier(PROCESSES * THREADS, timeout=60), context.Queue()
    processes = [context.Process(target=worker, args=(pg_store.url, name, barrier, results))
                 for name in ('first', 'second')]
    for process in processes:
        process.start()
    records = [record for _ in processes for record in results.get(timeout=120)]
    for process in processes:
        process.join(30)
        assert process.exitcode == 0

    attempts = PROCESSES * THREADS
    for phase in ('leave once', 'restore once'):
        won = Counter(subject for p, _, subject, outcome, _ in records if p == phase and outcome == 'won')
        assert won == Counter({p.subject: 1 for p in PEOPLE})  # of 8 attempts each, exactly one
        assert sum(1 for r in records if r[0] == phase) == attempts * len(PEOPLE)

    trail = [e for e in pg_store.audit_entries() if e.action in WANTS]
    assert sorted(e.detail for e in trail) == sorted(token for *_, outcome, token in records if outcome == 'won')
    for person in PEOPLE:  # replayed serially, in commit order, every winner found the state it needed
        state = ACTIVE
        for entry in (e for e in trail if e.subject == person.subject):
            needs, makes = WANTS[entry.action]
            assert state == needs, (person.subject, entry)
            state = makes
        assert pg_store.membership(person.subject, ORG.id).state == state

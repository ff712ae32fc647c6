"""kill -9 of clients and the server ending a writer's connection: acknowledged writes survive, every change is all
or nothing, and a dead client's lock goes with its connection, so the next writer needs no recovery.

Children (`tests.data.postgres_workers`, started by `postgres_children`) name their connections, so the test sees
whether a child holds the writers' lock, kills it then or at random instants, and waits until its backends end.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import psycopg
import pytest
from psycopg.conninfo import make_conninfo

from data.errors import StoreBusy, StoreError
from data.postgres_store import PostgresDirectoryStore
from data.records import ACTIVE, LEFT, AuditEntry, Changes
from data.repository import DirectoryReader
from tests.data.postgres_children import Child, backends, lock_holder, wait_for
from tests.data.postgres_workers import FLIPS, LEFT_AT, PEOPLE, SEED_ORGS, SEEDED, big_import, flip, import_plan

pytest_plugins = ('tests.data.postgres_fixtures',)

ROUNDS, BIG_KILLS, BIG = 30, 3, 10_000
LOCK_TIMEOUT = 3.0  # every writer the test opens after a kill must get the lock within this
SEED_AUDIT = AuditEntry(at='2026', actor='test', action='import', detail='seed')
Spawn = Callable[..., Child]


def test_acknowledged_writes_survive_kill_9_and_every_change_is_all_or_nothing(pg_store: PostgresDirectoryStore,
                                                                                spawn: Spawn) -> None:
    pg_store.merge_directory(SEEDED, SEED_AUDIT)
    rng = random.Random(20260102)
    acknowledged: list[list[str]] = []
    with PostgresDirectoryStore(pg_store.url, lock_timeout=LOCK_TIMEOUT, pool_size=1) as writer, \
            psycopg.connect(pg_store.url, autocommit=True) as watcher:
        for number in range(ROUNDS):
            child = spawn(pg_store.url, f'crash-{number}', 'crash', str(number))
            if number % 3 == 2:  # anywhere: starting, opening the store, writing
                time.sleep(rng.uniform(0.05, 0.4))
            else:  # it opens the store its predecessor was killed on, with no recovery, and writes
                child.expect('ready')
                acknowledged.append(child.next_line())
                time.sleep(rng.uniform(0, 0.2))
                if number % 3 == 0:  # while it holds the writers' lock (one thread holds it, the other waits)
                    child.freeze_holding_the_lock(watcher)
            acknowledged += child.kill()
            token, subject, org = f'after.{number}', rng.choice(PEOPLE).subject, rng.choice(SEED_ORGS[1:]).id
            acknowledged.append(['flip', token, subject, org, flip(writer, subject, org, token)])  # not StoreBusy
            child.wait_until_gone(watcher)
            check(pg_store, acknowledged)
    by_children = [ack for ack in acknowledged if ack[0] != 'ready' and not ack[1].startswith('after.')]
    assert len(by_children) > 2 * ROUNDS and {ack[0] for ack in by_children} == {'flip', 'import', 'person'}


def check(store: PostgresDirectoryStore, acknowledged: list[list[str]]) -> None:
    directory, audit = store.export_directory(), store.audit_entries()
    memberships = {(m.subject, m.organization): m for m in directory.memberships}
    people, orgs = {p.subject: p for p in directory.people}, {o.id for o in directory.organizations}
    flips = {e.detail: e for e in audit if e.action in ('leave', 'restore')}
    for kind, token, *fields in (ack for ack in acknowledged if ack[0] != 'ready'):  # acknowledged: stored
        if kind == 'flip':
            entry = flips[token]
            assert [entry.subject, entry.organization, entry.action] == fields
        else:
            assert (f'imp-{token}' if kind == 'import' else f'new-{token}') in people
    state = {(m.subject, m.organization): ACTIVE for m in SEEDED.memberships}
    for entry in flips.values():  # replayed in commit order, each flip found the state it changed...
        key = (entry.subject, entry.organization)
        assert entry.action == FLIPS[state[key]][0], entry
        state[key] = FLIPS[state[key]][1]
    assert {key: (m.state, m.left_at) for key, m in memberships.items() if key[1].startswith('seed-')} == {
        key: (s, LEFT_AT if s == LEFT else None) for key, s in state.items()}  # ...and left what is stored
    imported = {e.detail for e in audit if e.action == 'import'} - {'seed'}
    assert {o.removeprefix('imp-') for o in orgs if o.startswith('imp-')} == imported  # an import: organization,
    assert {s.removeprefix('imp-') for s in people if s.startswith('imp-')} == imported  # newcomer, audit record
    assert {key for key in memberships if key[1].startswith('imp-')} == {  # and memberships, or none of them
        (m.subject, m.organization) for token in imported for m in import_plan(token).memberships}
    signed_up = {s.removeprefix('new-') for s in people if s.startswith('new-')}
    assert {o.removeprefix('home-') for o in orgs if o.startswith('home-')} == signed_up  # a person with their home
    assert len(people) == len(PEOPLE) + len(imported) + len(signed_up)


def test_kill_9_during_a_big_import_or_restore_leaves_all_of_it_or_nothing(pg_store: PostgresDirectoryStore,
                                                                           spawn: Spawn, tmp_path: Path) -> None:
    pg_store.merge_directory(SEEDED, SEED_AUDIT)
    small, big = tmp_path / 'small.json', tmp_path / 'big.json'
    pg_store.backup(small)
    started = time.monotonic()
    pg_store.merge_directory(*big_import('backup', BIG))
    lasts = 1.5 * (time.monotonic() - started)  # about as long as a child's import or restore of it
    pg_store.backup(big)
    big_state = snapshot(pg_store)
    pg_store.restore_from(small)
    rng, cut_short = random.Random(20260103), []
    with psycopg.connect(pg_store.url, autocommit=True) as watcher:
        for number in range(BIG_KILLS):  # even rounds: just after it took the lock for its upserts; odd: anywhere
            before, audit_before = pg_store.counts(), pg_store.audit_entries()
            child = spawn(pg_store.url, f'merge-{number}', 'merge', str(number), str(BIG))
            acknowledged = kill_in_the_middle(child, watcher, None if number % 2 else child.wait_for_the_lock,
                                              rng.uniform(0, lasts if number % 2 else 0.1))
            after, audit = pg_store.counts(), pg_store.audit_entries()
            if after == before and ['merged', str(number)] not in acknowledged:
                assert audit == audit_before
                cut_short.append('merge')
            else:  # it committed before the kill landed: all of it
                assert after == replace(before, organizations=before.organizations + 1,
                                        people=before.people + BIG, memberships=before.memberships + 2 * BIG)
                assert audit == [*audit_before, big_import(str(number), BIG)[1]]
        pg_store.restore_from(small)
        small_state = snapshot(pg_store)
        for number in range(BIG_KILLS):  # even rounds: once it began replacing the tables, under the lock; odd: any
            child = spawn(pg_store.url, f'restore-{number}', 'restore', str(big))
            acknowledged = kill_in_the_middle(child, watcher, None if number % 2 else child.wait_until_writing,
                                              rng.uniform(0, lasts if number % 2 else 0.1))
            state = snapshot(pg_store)
            if state == small_state and ['restored'] not in acknowledged:
                cut_short.append('restore')
            else:  # it committed before the kill landed: all of it
                assert state == big_state, f'restore {number}: neither the old state nor the backup'
                pg_store.restore_from(small)
    assert {'merge', 'restore'} <= set(cut_short)  # kills did land before a commit


def kill_in_the_middle(child: Child, watcher: psycopg.Connection, started: Callable[[psycopg.Connection], None] | None,
                       delay: float) -> list[list[str]]:
    """Kill the child `delay` seconds after it is `started` (took the lock, began writing) or after it opened the
    store (then anywhere: reading, staging, waiting, writing, done); a new writer then gets the lock in time."""
    child.expect('ready')
    if started:
        started(watcher)
    time.sleep(delay)
    acknowledged = child.kill()
    with PostgresDirectoryStore(child.url, lock_timeout=LOCK_TIMEOUT, pool_size=1) as writer:
        writer.transact(lambda reader: Changes())  # takes the writers' lock (or raises StoreBusy), writes nothing
    child.wait_until_gone(watcher)
    return acknowledged


def snapshot(store: PostgresDirectoryStore) -> tuple[object, ...]:
    return store.export_directory(), store.audit_entries()


def test_a_writer_hung_holding_the_lock_delays_others_by_their_lock_timeout_until_it_is_killed(
        pg_store: PostgresDirectoryStore, spawn: Spawn) -> None:
    pg_store.merge_directory(SEEDED, SEED_AUDIT)
    child = spawn(pg_store.url, 'hung', 'hold')
    child.expect('holding')
    with PostgresDirectoryStore(pg_store.url, lock_timeout=1.0, pool_size=1) as other, \
            psycopg.connect(pg_store.url, autocommit=True) as watcher:
        child.wait_for_the_lock(watcher)
        started = time.monotonic()
        with pytest.raises(StoreBusy) as busy:
            flip(other, 'sub-00', 'seed-1', 'while-hung')
        assert 0.95 < time.monotonic() - started < 1.0 + 2.0  # waited for its lock timeout, not for ever
        assert_plain(busy.value, other)
        assert other.membership('sub-00', 'seed-1').state == ACTIVE  # reads go on
        child.kill()
        assert flip(other, 'sub-00', 'seed-1', 'after-kill') == 'leave'  # not StoreBusy: the lock died with it
    assert [e.detail for e in pg_store.audit_entries()] == ['seed', 'after-kill']


def test_the_server_ending_the_writers_connection_inside_its_work_stores_nothing(
        pg_store: PostgresDirectoryStore) -> None:
    pg_store.merge_directory(SEEDED, SEED_AUDIT)
    with psycopg.connect(pg_store.url, autocommit=True) as watcher:
        def work(reader: DirectoryReader) -> Changes:
            membership = reader.membership('sub-00', 'seed-1')
            writer = lock_holder(watcher)[1]  # this very transaction's backend: it holds the writers' lock
            assert watcher.execute('SELECT pg_terminate_backend(%s, 5000)', (writer,)).fetchone() == (True,)
            return Changes(put=(replace(membership, state=LEFT, left_at=LEFT_AT),),
                           audit=(replace(SEED_AUDIT, action='leave', detail='ended'),))
        with pytest.raises(StoreError) as caught:
            pg_store.transact(work)
    assert_plain(caught.value, pg_store)
    assert pg_store.membership('sub-00', 'seed-1').state == ACTIVE
    assert [e.detail for e in pg_store.audit_entries()] == ['seed']
    assert_next_writes_work(pg_store)


def test_the_server_ending_the_writers_connection_half_way_through_its_change_stores_nothing(
        pg_store: PostgresDirectoryStore) -> None:
    pg_store.merge_directory(SEEDED, SEED_AUDIT)
    first, second = ('sub-00', 'seed-1'), ('sub-01', 'seed-1')
    wrote: list[bool] = []
    with psycopg.connect(pg_store.url) as blocker, psycopg.connect(pg_store.url, autocommit=True) as watcher:
        blocker.execute('SELECT 1 FROM memberships WHERE subject = %s AND organization = %s FOR UPDATE', second)

        def end_the_writer() -> None:  # once it has written `first` and waits for the row lock on `second`
            pid, has_written = wait_for(lambda: watcher.execute(
                'SELECT pid, backend_xid IS NOT NULL FROM pg_stat_activity WHERE %s = ANY(pg_blocking_pids(pid))',
                (blocker.info.backend_pid,)).fetchone(), 'the writer to wait for the second row')
            wrote.append(has_written)
            watcher.execute('SELECT pg_terminate_backend(%s, 5000)', (pid,))
        ender = threading.Thread(target=end_the_writer)
        ender.start()
        with pytest.raises(StoreError) as caught:
            pg_store.transact(lambda reader: Changes(
                put=tuple(replace(reader.membership(*key), state=LEFT, left_at=LEFT_AT) for key in (first, second)),
                audit=(replace(SEED_AUDIT, action='leave', detail='half-way'),)))
        ender.join()
        blocker.rollback()
    assert wrote == [True]  # it was ended in the middle of its change, after writing part of it
    assert_plain(caught.value, pg_store)
    assert {pg_store.membership(*key).state for key in (first, second)} == {ACTIVE}
    assert [e.detail for e in pg_store.audit_entries()] == ['seed']
    assert_next_writes_work(pg_store)


def test_a_connection_the_server_closed_while_idle_in_the_pool_is_not_handed_to_a_write(migrated_url: str) -> None:
    with PostgresDirectoryStore(make_conninfo(migrated_url, application_name='pooled'), pool_size=2) as store, \
            psycopg.connect(migrated_url, autocommit=True) as watcher:
        store.merge_directory(SEEDED, SEED_AUDIT)
        assert all(watcher.execute('SELECT pg_terminate_backend(%s, 5000)', (pid,)).fetchone() == (True,)
                   for pid in backends(watcher, 'pooled'))
        assert flip(store, 'sub-00', 'seed-1', 'after-restart') == 'leave'


def test_a_writer_frozen_holding_the_lock_is_ended_by_the_server_and_others_go_on(migrated_url: str) -> None:
    """A writer frozen in its work (a stopped VM, a cut network) holds the writers' lock; the server ends its
    transaction after the store's idle limit, so the other writers wait that long at most, not for ever."""
    frozen, thawed = threading.Event(), threading.Event()
    outcome: list[BaseException] = []
    with PostgresDirectoryStore(migrated_url, idle_writer_limit=1.0, lock_timeout=5.0, pool_size=2) as store:
        store.merge_directory(SEEDED, SEED_AUDIT)

        def freeze(reader: DirectoryReader) -> Changes:
            membership = reader.membership('sub-00', 'seed-1')
            frozen.set()
            thawed.wait(30)
            return Changes(put=(replace(membership, state=LEFT, left_at=LEFT_AT),),
                           audit=(replace(SEED_AUDIT, action='leave', detail='frozen'),))

        def write_frozen() -> None:
            try:
                store.transact(freeze)
            except BaseException as error:  # what the frozen writer got is what the test checks
                outcome.append(error)
        holder = threading.Thread(target=write_frozen)
        holder.start()
        assert frozen.wait(10)
        started = time.monotonic()
        assert flip(store, 'sub-01', 'seed-1', 'meanwhile') == 'leave'  # waited for the idle limit, not StoreBusy
        assert 0.9 < time.monotonic() - started < 4.0
        thawed.set()
        holder.join(10)
        assert len(outcome) == 1 and isinstance(outcome[0], StoreError), outcome
        assert_plain(outcome[0], store)
        assert store.membership('sub-00', 'seed-1').state == ACTIVE  # nothing of the frozen writer's change
        with ThreadPoolExecutor(2) as threads:  # the pool lends both its connections again, the dropped one anew
            assert list(threads.map(lambda s: flip(store, s, 'seed-2', 'after'), ('sub-02', 'sub-03'))) == ['leave'] * 2
        assert [e.detail for e in store.audit_entries()] == ['seed', 'meanwhile', 'after', 'after']


def assert_plain(error: Exception, store: PostgresDirectoryStore) -> None:
    """The store's own error, one line naming the database: what a person or an operator can be shown."""
    assert not isinstance(error, psycopg.Error)
    message = str(error)
    assert message.startswith(store.where) and '\n' not in message and 'Traceback' not in message, message


def assert_next_writes_work(store: PostgresDirectoryStore) -> None:
    """The pool serves the next writes normally, several at once (so it lends every connection it has)."""
    keys = [(person.subject, 'seed-2') for person in PEOPLE[:8]]
    with ThreadPoolExecutor(len(keys)) as threads:
        assert list(threads.map(lambda key: flip(store, *key, f'next-{key[0]}'), keys)) == ['leave'] * len(keys)
    assert sorted(e.detail for e in store.audit_entries()) == sorted(['seed', *(f'next-{s}' for s, _ in keys)])


@pytest.fixture
def spawn(tmp_path: Path) -> Iterator[Spawn]:
    """Starts children; any still running when the test ends (it failed half-way) is killed."""
    children: list[Child] = []

    def start(url: str, name: str, command: str, *arguments: str) -> Child:
        children.append(Child(tmp_path, url, name, command, *arguments))
        return children[-1]
    yield start
    for child in children:
        if child.process.poll() is None:
            child.process.kill()
            child.process.wait(30)

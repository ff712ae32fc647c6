"""The PostgreSQL store at a million memberships, against the floor of the same server in the same run.

    .venv/bin/python bench/postgres.py                       1,000,000 memberships, 100,000 people (about 3 min)
    .venv/bin/python bench/postgres.py --memberships 100000  smaller

It makes a database of its own on MYPROFILE_TEST_POSTGRES (default: the local server as user postgres), migrates
it, imports the generated directory through the store's merge (timed), then measures through the real services:
listing a person's organizations (`OrganizationService.organizations_of`) and leaving (`OrganizationService.leave`:
one transaction with its audit record, after the writers' lock). The floor is the least a durable change costs on
this server: one single-row INSERT and COMMIT with synchronous_commit=on, on a pooled connection, interleaved with
the leaves. The database is dropped at the end.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import secrets
import sys
import time
from pathlib import Path

import psycopg
from psycopg import sql
from psycopg.conninfo import make_conninfo

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))

from bench.generate import directory_document  # noqa: E402
from bench.measure import stats  # noqa: E402
from data.postgres_migrations import migrate  # noqa: E402
from data.postgres_store import PostgresDirectoryStore  # noqa: E402
from data.records import AuditEntry  # noqa: E402
from services import directory_entries as entries  # noqa: E402
from services.events import MembershipEvents  # noqa: E402
from services.organizations import OrganizationService  # noqa: E402

SERVER = os.environ.get('MYPROFILE_TEST_POSTGRES', 'postgresql://postgres@127.0.0.1:5432/postgres')
LISTS, LEAVES = 2000, 500


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--memberships', type=int, default=1_000_000)
    args = parser.parse_args()
    name = f'bench_{secrets.token_hex(4)}'
    with psycopg.connect(SERVER, autocommit=True) as admin:
        version = admin.execute('SHOW server_version').fetchone()[0]
        admin.execute(sql.SQL('CREATE DATABASE {}').format(sql.Identifier(name)))
    url = make_conninfo(SERVER, dbname=name)
    try:
        run(url, args.memberships, version)
    finally:
        with psycopg.connect(SERVER, autocommit=True) as admin:
            admin.execute(sql.SQL('DROP DATABASE IF EXISTS {} WITH (FORCE)').format(sql.Identifier(name)))


def run(url: str, memberships: int, version: str) -> None:
    print(f'# {platform.node()} {os.cpu_count()} cores, Python {platform.python_version()}, PostgreSQL {version}')
    migrate(url)
    document = directory_document(memberships)
    for org in document['organizations']:  # guests may leave them on their own (a leave is what is measured)
        org.update(privacy_url=f'https://{org["domain"]}/privacy', privacy_contact=f'privacy@{org["domain"]}')
    directory = entries_of(document)
    with PostgresDirectoryStore(url, pool_size=4) as store:
        start = time.perf_counter()
        store.merge_directory(directory, AuditEntry(at='2026-12-03T00:00:00+00:00', actor='bench', action='import'))
        imported = time.perf_counter() - start
        counts = store.counts()
        print(f'imported {counts.memberships:,} memberships of {counts.people:,} people in {imported:.1f} s')
        service = OrganizationService(store, MembershipEvents())
        rng = random.Random(7)
        subjects = [p['subject'] for p in document['people']]
        lists = [timed(service.organizations_of, rng.choice(subjects)) for _ in range(LISTS)]
        with psycopg.connect(url, autocommit=True) as floor_conn:
            floor_conn.execute('CREATE TABLE floor (id bigserial PRIMARY KEY, at text, actor text, action text)')
            floor_conn.execute('SET synchronous_commit = on')
            leaves, floors = [], []
            for subject in rng.sample(subjects, LEAVES):  # interleaved: both see the same moment of the machine
                org_id = store.memberships_of(subject)[0].organization
                leaves.append(timed(service.leave, subject, org_id))
                floors.append(timed(insert_and_commit, floor_conn))
    leave, floor, listing = stats(leaves), stats(floors), stats(lists)
    print('\n| figure | p50 ms | p95 ms | ratio to the floor p50 / p95 |\n|---|---|---|---|')
    print(f'| floor: one INSERT and COMMIT (synchronous_commit=on) | {floor["p50"]:.2f} | {floor["p95"]:.2f} | |')
    print(f'| leave through OrganizationService | {leave["p50"]:.2f} | {leave["p95"]:.2f} | '
          f'{leave["p50"] / floor["p50"]:.2f}x / {leave["p95"] / floor["p95"]:.2f}x |')
    print(f'| list one person\'s organizations | {listing["p50"]:.2f} | {listing["p95"]:.2f} | |')


def entries_of(document: dict) -> object:
    """The generated document as records, checked as an import checks them."""
    from data.records import Directory  # noqa: PLC0415
    return Directory(
        organizations=tuple(entries.organization(o, 'organizations') for o in document['organizations']),
        people=tuple(entries.person(p, 'people') for p in document['people']),
        memberships=tuple(entries.membership(m, 'memberships') for m in document['memberships']))


def insert_and_commit(conn: psycopg.Connection) -> None:
    with conn.transaction():
        conn.execute("INSERT INTO floor (at, actor, action) VALUES ('2026-12-03T00:00:00+00:00', 'someone', 'leave')")


def timed(operation: object, *args: object) -> float:
    start = time.perf_counter()
    operation(*args)  # type: ignore[operator]
    return time.perf_counter() - start


if __name__ == '__main__':
    main()

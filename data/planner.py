"""What a write changes, as journal parts, computed against the in-memory index.

Only real changes are planned, so re-importing an unchanged directory plans nothing and writes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from data.document_shapes import document
from data.file_changes import part_json
from data.index import DirectoryIndex
from data.layout import ADMIN_AUDIT, Layout
from data.records import AuditEntry, Directory, Organization, Person


class Plan:
    """Records to put and keys to delete, grouped by data file; documents are built only when written."""

    def __init__(self) -> None:
        self._files: dict[str, dict[str, dict[str, list[Any]]]] = {}

    def __bool__(self) -> bool:
        return bool(self._files)

    def __len__(self) -> int:
        return len(self._files)

    def put(self, file: str, table: str, record: Any) -> None:
        self._table(file, table)['put'].append(record)

    def delete(self, file: str, table: str, key: list[str]) -> None:
        self._table(file, table)['del'].append(key)

    def audit(self, file: str, entry: AuditEntry, seq: int) -> None:
        self._table(file, 'audit')['put'].append({**document('audit', entry), 'seq': seq})

    def parts(self) -> Iterator[dict[str, Any]]:
        for file, tables in self._files.items():
            yield part_json(file, {name: {'put': [r if isinstance(r, dict) else document(name, r) for r in c['put']],
                                          'del': c['del']} for name, c in tables.items()})

    def _table(self, file: str, table: str) -> dict[str, list[Any]]:
        return self._files.setdefault(file, {}).setdefault(table, {'put': [], 'del': []})


def plan_leave(layout: Layout, subject: str, organization: str, audit: AuditEntry, seq: int) -> Plan:
    """The membership and its audit record live in the same shard: a leave rewrites one file."""
    plan = Plan()
    file = layout.person_file(subject)
    plan.delete(file, 'memberships', [subject, organization])
    plan.audit(file, audit, seq)
    return plan


def plan_add_person(layout: Layout, index: DirectoryIndex, person: Person, home: Organization) -> Plan:
    plan = Plan()
    if home.id not in index.organizations:
        plan.put(layout.org_file(home.id), 'organizations', home)
    if person.subject not in index.people:
        plan.put(layout.person_file(person.subject), 'people', person)
    return plan


def plan_merge(layout: Layout, index: DirectoryIndex, directory: Directory, audit: AuditEntry, seq: int) -> Plan:
    """New entries are added and changed ones updated, none removed; a membership without a date keeps its date."""
    plan = Plan()
    for org in directory.organizations:
        if index.organizations.get(org.id) != org:
            plan.put(layout.org_file(org.id), 'organizations', org)
    for person in directory.people:
        if index.people.get(person.subject) != person:
            plan.put(layout.person_file(person.subject), 'people', person)
    last_subject, file = '', ''
    for membership in directory.memberships:
        current = index.memberships.get(membership.subject, {})
        if membership.organization in current and (membership.joined is None or
                                                   current[membership.organization] == membership.joined):
            continue
        if membership.subject != last_subject:
            last_subject, file = membership.subject, layout.person_file(membership.subject)
        plan.put(file, 'memberships', membership)
    if plan:
        plan.audit(ADMIN_AUDIT, audit, seq)
    return plan

"""What a write changes, as journal parts, computed against the in-memory index.

Only real changes are planned, so re-importing an unchanged directory plans nothing and writes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from data.document_shapes import document, key_of
from data.file_changes import part_json
from data.index import DirectoryIndex
from data.layout import ADMIN_AUDIT, Layout, audit_file
from data.records import (
    AuditEntry,
    Changes,
    Directory,
    Invitation,
    Membership,
    Organization,
    Person,
    RemovalRequest,
)

TABLE_OF: dict[type, str] = {Organization: 'organizations', Person: 'people', Membership: 'memberships',
                             Invitation: 'invitations', RemovalRequest: 'removal_requests'}


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


def plan_changes(layout: Layout, changes: Changes, seq: int) -> Plan:
    """Each record goes to the shard of whom it concerns, so a person's leave (membership and audit) rewrites
    one file, and accepting an invitation two (the person's and the organization's)."""
    plan = Plan()
    for record in changes.put:
        plan.put(file_of(layout, record), TABLE_OF[type(record)], record)
    for record in changes.delete:
        table = TABLE_OF[type(record)]
        plan.delete(file_of(layout, record), table, list(key_of(table, document(table, record))))
    for entry in changes.audit:
        plan.audit(audit_file(layout, document('audit', entry)), entry, seq)
    return plan


def file_of(layout: Layout, record: object) -> str:
    if isinstance(record, Organization):
        return layout.org_file(record.id)
    if isinstance(record, Invitation):
        return layout.org_file(record.organization)
    if isinstance(record, Person | Membership | RemovalRequest):
        return layout.person_file(record.subject)
    raise TypeError(f'not a stored record: {record!r}')


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
    for listed in directory.memberships:
        membership = _membership_change(index, listed)
        if membership is None:
            continue
        if membership.subject != last_subject:
            last_subject, file = membership.subject, layout.person_file(membership.subject)
        plan.put(file, 'memberships', membership)
    _plan_invitations_and_requests(plan, layout, index, directory)
    if plan:
        plan.audit(ADMIN_AUDIT, audit, seq)
    return plan


def _membership_change(index: DirectoryIndex, listed: Membership) -> Membership | None:
    """What to store for a listed membership, or None when the store has it already (a missing date keeps
    the stored one)."""
    current = index.memberships.get(listed.subject, {})
    if listed.organization not in current:
        return listed
    joined = current[listed.organization] if listed.joined is None else listed.joined
    if joined == current[listed.organization] and \
            index.membership_state(listed.subject, listed.organization) == (listed.state, listed.left_at):
        return None
    return Membership(subject=listed.subject, organization=listed.organization, joined=joined, state=listed.state,
                      left_at=listed.left_at)


def _plan_invitations_and_requests(plan: Plan, layout: Layout, index: DirectoryIndex, directory: Directory) -> None:
    for invitation in directory.invitations:
        known = index.lifecycle.invitations.get(invitation.id)
        if known is not None:  # a file never carries the secret: the stored one stays valid
            invitation = replace(invitation, token_hash=known.token_hash)  # noqa: PLW2901
        if known != invitation:
            plan.put(layout.org_file(invitation.organization), 'invitations', invitation)
    for request in directory.removal_requests:
        if index.lifecycle.removal_requests.get(request.id) != request:
            plan.put(layout.person_file(request.subject), 'removal_requests', request)

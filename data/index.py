"""The whole directory in memory, indexed by person and by organization, so every read is a dict lookup.

Memberships are kept as `subject -> {organization: joined}` (records are built on demand), with ids and dates
interned: that keeps a million memberships to a couple of hundred megabytes. The reverse index (who belongs to,
or is at home in, an organization) is only needed when an organization changes, so it is built on first use.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from data.document_shapes import (
    audit_seq,
    bad_document,
    checked,
    invitation_from_doc,
    organization_from_checked,
    organization_from_doc,
    removal_request_from_doc,
    upgraded,
)
from data.errors import StoreCorrupt
from data.file_changes import META, TableChanges, file_generation
from data.json_storage import UNCHANGED, Tables
from data.layout import ADMIN_AUDIT, ORGS, Layout
from data.lifecycle_index import LifecycleIndex, organization_topic
from data.organization_trails import OrganizationTrails
from data.records import ACTIVE, MEMBERSHIP_STATES, Organization, Person, StoreCounts

_intern = sys.intern
_TABLES_BY_KIND = {'people': {'people', 'memberships', 'removal_requests', 'audit', META},
                   ORGS: {'organizations', 'invitations', 'audit', META}, ADMIN_AUDIT: {'audit', META}}


class DirectoryIndex:
    def __init__(self) -> None:
        self.organizations: dict[str, Organization] = {}
        self.people: dict[str, Person] = {}
        self.memberships: dict[str, dict[str, str | None]] = {}
        self.membership_states: dict[tuple[str, str], tuple[str, str | None]] = {}  # only the not-active ones
        self.membership_count = 0
        self.lifecycle = LifecycleIndex()  # invitations and removal requests
        self.trails = OrganizationTrails()  # the organizations' audit trails read so far, kept up to date
        self._members_of: dict[str, set[str]] | None = None
        self._homed_at: dict[str, set[str]] | None = None

    def counts(self) -> StoreCounts:
        return StoreCounts(organizations=len(self.organizations), people=len(self.people),
                           memberships=self.membership_count)

    def subjects_of(self, org_ids: Iterable[str]) -> set[str]:
        """Everyone whose page shows one of these organizations (as a membership or as their home)."""
        org_ids = set(org_ids)
        if not org_ids:
            return set()
        members_of, homed_at = self._reverse()
        subjects: set[str] = set()
        for org_id in org_ids:
            subjects |= members_of.get(org_id, set())
            subjects |= homed_at.get(org_id, set())
        return subjects

    # --- loading whole files (opening the store) ---

    def load_file(self, name: str, tables: Tables, layout: Layout) -> tuple[int, int]:
        """Index one data file, refusing what does not belong in it; returns its generation and top audit seq."""
        path = layout.path(name)
        unexpected = set(tables) - _TABLES_BY_KIND[name.partition('/')[0] if '/' in name else name]
        if unexpected:
            raise StoreCorrupt(f'{path}: unexpected table(s) {", ".join(sorted(unexpected))}; {UNCHANGED}.')
        for doc_id, doc in tables.get('organizations', {}).items():
            org = organization_from_doc(doc, path, doc_id)
            _refuse_misplaced(layout.org_file(org.id) == name, path, 'organizations', doc_id)
            if org.id in self.organizations:
                raise StoreCorrupt(f'{path}: organization {org.id!r} is stored twice; {UNCHANGED}.')
            self.organizations[org.id] = org
        shard = layout.number_of(name)
        self._load_people(tables.get('people', {}), shard, path, layout)
        self._load_memberships(tables.get('memberships', {}), shard, path, layout)
        for doc_id, doc in tables.get('invitations', {}).items():
            invitation = invitation_from_doc(doc, path, doc_id)
            _refuse_misplaced(layout.org_file(invitation.organization) == name, path, 'invitations', doc_id)
            self.lifecycle.put_invitation(invitation)
        for doc_id, doc in tables.get('removal_requests', {}).items():
            request = removal_request_from_doc(doc, path, doc_id)
            _refuse_misplaced(layout.person_shard(request.subject) == shard, path, 'removal_requests', doc_id)
            self.lifecycle.put_request(request)
        top_seq = max((audit_seq(checked('audit', doc, path, doc_id), path, doc_id)
                       for doc_id, doc in tables.get('audit', {}).items()), default=0)
        return file_generation(tables, path), top_seq

    def _load_people(self, table: Mapping[str, Any], shard: int, path: Path, layout: Layout) -> None:
        people = self.people
        for doc_id, doc in table.items():
            subject, name, home, email = doc.get('subject'), doc.get('name'), doc.get('home'), doc.get('email')
            if type(subject) is not str or not subject or type(name) is not str or not name or \
                    type(home) is not str or not home or (email is not None and type(email) is not str):
                checked('people', doc, path, doc_id)
            _refuse_misplaced(layout.person_shard(subject) == shard, path, 'people', doc_id)
            if subject in people:
                raise StoreCorrupt(f'{path}: person {subject!r} is stored twice; {UNCHANGED}.')
            subject = _intern(subject)
            people[subject] = Person(subject=subject, name=name, home=_intern(home), email=email)

    def _load_memberships(self, table: Mapping[str, Any], shard: int, path: Path, layout: Layout) -> None:
        """The hot loop of opening a store (a million iterations): inlined, one intern per id."""
        memberships = self.memberships
        placed: set[str] = set()
        last: str | None = None
        orgs: dict[str, str | None] = {}
        states = self.membership_states
        for doc_id, doc in table.items():
            subject, org_id, joined = doc.get('subject'), doc.get('organization'), doc.get('joined')
            more = len(doc) > 2 + ('joined' in doc)  # a state (and when left) beside the usual fields
            if type(subject) is not str or not subject or type(org_id) is not str or not org_id or \
                    (joined is not None and type(joined) is not str) or more:
                checked('memberships', doc, path, doc_id)
            if subject != last:
                if subject not in placed:
                    _refuse_misplaced(layout.person_shard(subject) == shard, path, 'memberships', doc_id)
                    placed.add(subject)
                last = subject = _intern(subject)
                orgs = memberships.get(subject) or memberships.setdefault(subject, {})
            org_id = _intern(org_id)
            if org_id in orgs:
                raise StoreCorrupt(f'{path}: membership of {subject!r} in {org_id!r} is stored twice; {UNCHANGED}.')
            orgs[org_id] = _intern(joined) if joined else joined
            if more and doc.get('state', ACTIVE) != ACTIVE:
                states[subject, org_id] = (doc['state'], doc.get('left_at'))
        self.membership_count += len(table)

    # --- applying journal parts (commits of this or another process) ---

    def apply(self, tables: TableChanges) -> tuple[set[str], set[str]]:
        """Apply one part; returns the subjects and the organizations it touched."""
        subjects: set[str] = set()
        org_ids: set[str] = set()
        for doc in tables.get('organizations', {}).get('put', []):
            org = organization_from_checked(upgraded('organizations', doc))
            self.organizations[org.id] = org
            org_ids.add(org.id)
            subjects.add(organization_topic(org.id))
        for (org_id,) in tables.get('organizations', {}).get('del', []):
            self.organizations.pop(org_id, None)
            org_ids.add(org_id)
            subjects.add(organization_topic(org_id))
        for doc in tables.get('people', {}).get('put', []):
            self._drop_person(doc['subject'])
            self._put_person(Person(subject=_intern(doc['subject']), name=doc['name'], home=_intern(doc['home']),
                                    email=doc.get('email')))
            subjects.add(doc['subject'])
        for (subject,) in tables.get('people', {}).get('del', []):
            self._drop_person(subject)
            subjects.add(subject)
        memberships = tables.get('memberships', {})
        guests_of: set[str] = set()  # organizations whose guests changed
        for subject, org_id in memberships.get('del', []):
            self._drop_membership(subject, org_id)
            subjects.add(subject)
            guests_of.add(org_id)
        for doc in memberships.get('put', []):  # a million of them in a large import: kept tight
            subject = _intern(doc['subject'])
            self._put_membership(subject, doc['organization'], doc.get('joined'), doc.get('state'), doc.get('left_at'))
            subjects.add(subject)
            guests_of.add(doc['organization'])
        subjects.update(organization_topic(org_id) for org_id in guests_of)
        self.lifecycle.apply(tables, subjects, org_ids)
        self.trails.take(tables)
        return subjects, org_ids

    def membership_state(self, subject: str, org_id: str) -> tuple[str, str | None]:
        """(state, left_at) of a stored membership."""
        return self.membership_states.get((subject, org_id), (ACTIVE, None))

    def _reverse(self) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
        if self._members_of is None or self._homed_at is None:
            members_of: dict[str, set[str]] = {}
            for subject, orgs in self.memberships.items():
                for org_id in orgs:
                    members_of.setdefault(org_id, set()).add(subject)
            homed_at: dict[str, set[str]] = {}
            for person in self.people.values():
                homed_at.setdefault(person.home, set()).add(person.subject)
            self._members_of, self._homed_at = members_of, homed_at
        return self._members_of, self._homed_at

    def _put_person(self, person: Person) -> None:
        self.people[person.subject] = person
        if self._homed_at is not None:
            self._homed_at.setdefault(person.home, set()).add(person.subject)

    def _drop_person(self, subject: str) -> None:
        old = self.people.pop(subject, None)
        if old is not None and self._homed_at is not None:
            self._homed_at[old.home].discard(subject)

    def _put_membership(self, subject: str, org_id: str, joined: str | None, state: str | None = None,
                        left_at: str | None = None) -> None:
        """Add or replace one membership; `subject` is interned already."""
        org_id = _intern(org_id)
        if state is None or state == ACTIVE:
            self.membership_states.pop((subject, org_id), None)
        elif state in MEMBERSHIP_STATES:
            self.membership_states[subject, org_id] = (state, left_at)
        orgs = self.memberships.get(subject)
        if orgs is None:
            orgs = self.memberships[subject] = {}
        if org_id not in orgs:
            self.membership_count += 1
            if self._members_of is not None:
                self._members_of.setdefault(org_id, set()).add(subject)
        orgs[org_id] = _intern(joined) if joined else joined

    def _drop_membership(self, subject: str, org_id: str) -> None:
        orgs = self.memberships.get(subject, {})
        if org_id not in orgs:
            return
        del orgs[org_id]
        self.membership_states.pop((subject, org_id), None)
        if not orgs:
            del self.memberships[subject]
        if self._members_of is not None:
            self._members_of[org_id].discard(subject)
        self.membership_count -= 1


def _refuse_misplaced(ok: bool, path: Path, table: str, doc_id: str) -> None:
    if not ok:
        raise bad_document(table, path, doc_id, 'placement (it belongs in another shard file)')


def changed_subjects(old: DirectoryIndex, new: DirectoryIndex) -> set[str]:
    """Whose page differs between two whole indexes (after a restore, or when a process fell far behind)."""
    orgs = {o for o in old.organizations.keys() | new.organizations.keys()
            if old.organizations.get(o) != new.organizations.get(o)}
    subjects = old.subjects_of(orgs) | new.subjects_of(orgs)
    subjects |= {s for s in old.people.keys() | new.people.keys() if old.people.get(s) != new.people.get(s)}
    subjects |= {s for s in old.memberships.keys() | new.memberships.keys()
                 if old.memberships.get(s) != new.memberships.get(s)}
    subjects |= {organization_topic(o) for o in old.organizations.keys() | new.organizations.keys()}  # a restore
    subjects |= {s for s, _ in old.membership_states.keys() ^ new.membership_states.keys()}
    subjects |= {s for (s, o), state in old.membership_states.items() if new.membership_states.get((s, o)) != state}
    subjects |= old.lifecycle.changed_topics(new.lifecycle)
    return subjects

"""Turn stored documents into records, refusing a hand-edited document that lacks what a record needs.

These run for every document when a store opens (a million of them at the target size), so they are plain
loops over a few keys rather than a schema library.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from operator import attrgetter
from pathlib import Path
from typing import Any

from data.errors import StoreCorrupt
from data.json_storage import UNCHANGED
from data.records import (
    ACTIVE,
    INVITATION_STATES,
    LEAVE_POLICIES,
    MEMBERSHIP_STATES,
    REQUEST_STATES,
    SELF_SERVICE,
    AuditEntry,
    Invitation,
    Membership,
    Organization,
    Person,
    RemovalRequest,
)

SHAPES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    'organizations': (('id', 'name'), ('domain', 'privacy_url', 'privacy_contact', 'leave_policy')),
    'people': (('subject', 'name', 'home'), ('email',)),
    'memberships': (('subject', 'organization'), ('joined', 'state', 'left_at')),
    'invitations': (('id', 'organization', 'email', 'invited_by', 'created', 'expires', 'token_hash', 'state'),
                    ('decided_at', 'decided_by')),
    'removal_requests': (('id', 'subject', 'organization', 'created', 'state'), ('message', 'answer', 'answered_at')),
    'audit': (('at', 'actor', 'action'), ('organization', 'detail', 'subject')),
}
LISTS: dict[str, tuple[str, ...]] = {'organizations': ('admins',)}  # lists of non-empty texts
CHOICES: dict[str, dict[str, tuple[str, ...]]] = {
    'organizations': {'leave_policy': LEAVE_POLICIES}, 'memberships': {'state': MEMBERSHIP_STATES},
    'invitations': {'state': INVITATION_STATES}, 'removal_requests': {'state': REQUEST_STATES}}
KEYS: dict[str, tuple[str, ...]] = {
    'organizations': ('id',), 'people': ('subject',), 'memberships': ('subject', 'organization'), 'audit': ('seq',),
    'invitations': ('id',), 'removal_requests': ('id',),
}
LEGACY = {'organizations': {'contact': 'privacy_contact'}}  # stores written before the lifecycle came
DEFAULTS: dict[str, dict[str, Any]] = {'memberships': {'state': ACTIVE},
                                       'organizations': {'leave_policy': SELF_SERVICE}}
_FIELDS = {table: ((*required, *optional, *LISTS.get(table, ())),
                   attrgetter(*required, *optional, *LISTS.get(table, ())))
           for table, (required, optional) in SHAPES.items()}
_intern = sys.intern


def checked(table: str, doc: Mapping[str, Any], path: Path, doc_id: str) -> Mapping[str, Any]:
    """`doc` itself if it has every text a record of `table` needs; else `StoreCorrupt` naming file and doc."""
    required, optional = SHAPES[table]
    for key in required:
        value = doc.get(key)
        if type(value) is not str or not value:
            raise bad_document(table, path, doc_id, key)
    for key in optional:
        value = doc.get(key)
        if value is not None and type(value) is not str:
            raise bad_document(table, path, doc_id, key)
    for key in LISTS.get(table, ()):
        value = doc.get(key)
        if value is not None and (type(value) is not list or any(type(v) is not str or not v for v in value)):
            raise bad_document(table, path, doc_id, key)
    for key, allowed in CHOICES.get(table, {}).items():
        value = doc.get(key)
        if value is not None and value not in allowed:
            raise bad_document(table, path, doc_id, key)
    return doc


def bad_document(table: str, path: Path, doc_id: str, detail: str) -> StoreCorrupt:
    return StoreCorrupt(f'{path}: {table} document {doc_id} has a missing or invalid {detail}; {UNCHANGED}.')


def upgraded(table: str, doc: Mapping[str, Any]) -> Mapping[str, Any]:
    """A document written before a field was renamed, under its new name (the store never rewrites it for that)."""
    renames = LEGACY.get(table)
    if not renames or not any(old in doc for old in renames):
        return doc
    new = {renames.get(key, key): value for key, value in doc.items()}
    for old, name in renames.items():
        if doc.get(name) is None and doc.get(old) is not None:
            new[name] = doc[old]
    return new


def organization_from_doc(doc: Mapping[str, Any], path: Path, doc_id: str) -> Organization:
    doc = checked('organizations', upgraded('organizations', doc), path, doc_id)
    return organization_from_checked(doc)


def organization_from_checked(doc: Mapping[str, Any]) -> Organization:
    return Organization(id=_intern(doc['id']), name=doc['name'], domain=doc.get('domain'),
                        privacy_url=doc.get('privacy_url'), privacy_contact=doc.get('privacy_contact'),
                        leave_policy=doc.get('leave_policy') or SELF_SERVICE,
                        admins=tuple(_intern(a) for a in doc.get('admins') or ()))


def person_from_doc(doc: Mapping[str, Any], path: Path, doc_id: str) -> Person:
    checked('people', doc, path, doc_id)
    return Person(subject=_intern(doc['subject']), name=doc['name'], home=_intern(doc['home']),
                  email=doc.get('email'))


def membership_from_checked(doc: Mapping[str, Any]) -> Membership:
    return Membership(subject=doc['subject'], organization=doc['organization'], joined=doc.get('joined'),
                      state=doc.get('state') or ACTIVE, left_at=doc.get('left_at'))


def invitation_from_doc(doc: Mapping[str, Any], path: Path, doc_id: str) -> Invitation:
    checked('invitations', doc, path, doc_id)
    return Invitation(**{key: doc.get(key) for key in _FIELDS['invitations'][0]})


def removal_request_from_doc(doc: Mapping[str, Any], path: Path, doc_id: str) -> RemovalRequest:
    checked('removal_requests', doc, path, doc_id)
    return RemovalRequest(**{key: doc.get(key) for key in _FIELDS['removal_requests'][0]})


def audit_from_doc(doc: Mapping[str, Any], path: Path, doc_id: str) -> AuditEntry:
    checked('audit', doc, path, doc_id)
    return AuditEntry(at=doc['at'], actor=doc['actor'], action=doc['action'], organization=doc.get('organization'),
                      detail=doc.get('detail'), subject=doc.get('subject'))


def audit_seq(doc: Mapping[str, Any], path: Path, doc_id: str) -> int:
    seq = doc.get('seq')
    if type(seq) is not int or seq < 1:
        raise bad_document('audit', path, doc_id, 'seq')
    return seq


def document(table: str, record: Any) -> dict[str, Any]:
    """The stored form of a record: every field, except optional ones that are unset or at their default.

    Leaving those out keeps a million ordinary memberships exactly as small as before the lifecycle fields came.
    """
    fields, values = _FIELDS[table]
    defaults = DEFAULTS.get(table, {})
    required = SHAPES[table][0]
    doc = {}
    for key, value in zip(fields, values(record), strict=True):
        if key in required or (value is not None and value != () and defaults.get(key) != value):
            doc[key] = list(value) if type(value) is tuple else value
    return doc


def key_of(table: str, doc: Mapping[str, Any]) -> tuple[Any, ...]:
    return tuple(doc[key] for key in KEYS[table])

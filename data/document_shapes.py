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
from data.records import AuditEntry, Organization, Person

SHAPES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    'organizations': (('id', 'name'), ('domain', 'privacy_url', 'contact')),
    'people': (('subject', 'name', 'home'), ('email',)),
    'memberships': (('subject', 'organization'), ('joined',)),
    'audit': (('at', 'actor', 'action'), ('organization', 'detail')),
}
KEYS: dict[str, tuple[str, ...]] = {
    'organizations': ('id',), 'people': ('subject',), 'memberships': ('subject', 'organization'), 'audit': ('seq',),
}
_FIELDS = {table: ((*required, *optional), attrgetter(*required, *optional))
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
    return doc


def bad_document(table: str, path: Path, doc_id: str, detail: str) -> StoreCorrupt:
    return StoreCorrupt(f'{path}: {table} document {doc_id} has a missing or invalid {detail}; {UNCHANGED}.')


def organization_from_doc(doc: Mapping[str, Any], path: Path, doc_id: str) -> Organization:
    checked('organizations', doc, path, doc_id)
    return Organization(id=_intern(doc['id']), name=doc['name'], domain=doc.get('domain'),
                        privacy_url=doc.get('privacy_url'), contact=doc.get('contact'))


def person_from_doc(doc: Mapping[str, Any], path: Path, doc_id: str) -> Person:
    checked('people', doc, path, doc_id)
    return Person(subject=_intern(doc['subject']), name=doc['name'], home=_intern(doc['home']),
                  email=doc.get('email'))


def audit_from_doc(doc: Mapping[str, Any], path: Path, doc_id: str) -> AuditEntry:
    checked('audit', doc, path, doc_id)
    return AuditEntry(at=doc['at'], actor=doc['actor'], action=doc['action'], organization=doc.get('organization'),
                      detail=doc.get('detail'))


def audit_seq(doc: Mapping[str, Any], path: Path, doc_id: str) -> int:
    seq = doc.get('seq')
    if type(seq) is not int or seq < 1:
        raise bad_document('audit', path, doc_id, 'seq')
    return seq


def document(table: str, record: Any) -> dict[str, Any]:
    """The stored form of a record (every field, `None` included, as the single-file store wrote it)."""
    fields, values = _FIELDS[table]
    return dict(zip(fields, values(record), strict=True))


def key_of(table: str, doc: Mapping[str, Any]) -> tuple[Any, ...]:
    return tuple(doc[key] for key in KEYS[table])

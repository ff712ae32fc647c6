"""Turn stored documents into records, refusing a hand-edited document that lacks what a record needs."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

from data.errors import StoreCorrupt
from data.records import AuditEntry, Membership, Organization, Person

R = TypeVar('R')


def _build(kind: type[R], doc: Mapping[str, Any], path: Path, required: tuple[str, ...],
           optional: tuple[str, ...] = ()) -> R:
    bad = [key for key in required if not isinstance(doc.get(key), str) or not doc.get(key)]
    bad += [key for key in optional if doc.get(key) is not None and not isinstance(doc.get(key), str)]
    if bad:
        doc_id = getattr(doc, 'doc_id', '?')
        raise StoreCorrupt(f'{path}: {kind.__name__.lower()} document {doc_id} has a missing or invalid '
                           f'{", ".join(bad)}; the file was left unchanged.')
    return kind(**{key: doc.get(key) for key in (*required, *optional)})


def organization_from_doc(doc: Mapping[str, Any], path: Path) -> Organization:
    return _build(Organization, doc, path, ('id', 'name'), ('domain', 'privacy_url', 'contact'))


def person_from_doc(doc: Mapping[str, Any], path: Path) -> Person:
    return _build(Person, doc, path, ('subject', 'name', 'home'), ('email',))


def membership_from_doc(doc: Mapping[str, Any], path: Path) -> Membership:
    return _build(Membership, doc, path, ('subject', 'organization'), ('joined',))


def audit_from_doc(doc: Mapping[str, Any], path: Path) -> AuditEntry:
    return _build(AuditEntry, doc, path, ('at', 'actor', 'action'), ('organization', 'detail'))

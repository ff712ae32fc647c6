"""One entry of the administrator's directory file, checked and turned into a record (and back, for export).

Files written before the membership lifecycle stay importable: an organization's `contact` is its privacy
contact, and a membership without a `state` is active. Invitations are exported without their secret, so an
imported invitation can be accepted from the portal's page but its old link no longer works.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from data.records import (
    ACTIVE,
    INVITATION_STATES,
    LEAVE_POLICIES,
    LEFT,
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
from services.errors import InvalidDirectory

MAX_TEXT = 512
MAX_MESSAGE = 500
_CONTROL = re.compile(r'[\x00-\x1f]')
_HASH = re.compile(r'[0-9a-f]{64}')
EMAIL = re.compile(r'[^@\s]+@[^@\s]+\.[^@\s]+')
NOT_EXPORTED = {'invitations': {'token_hash'}}
DEFAULTS = {'organizations': {'leave_policy': SELF_SERVICE, 'admins': ()}, 'memberships': {'state': ACTIVE}}


def organization(entry: Any, where: str, *, stored: bool = False) -> Organization:
    """`stored`: a document of the store (a backup), where the domain is optional."""
    entry = dict(_object(entry, where))
    admins = entry.pop('admins', None)
    if 'contact' in entry:  # the name before the lifecycle came
        legacy = entry.pop('contact')
        if entry.get('privacy_contact') not in (None, legacy):
            raise InvalidDirectory(f'{where}: "contact" and "privacy_contact" differ; give only "privacy_contact"')
        entry['privacy_contact'] = legacy
    values = _fields(entry, where, ('id', 'name') if stored else ('id', 'name', 'domain'),
                     ('domain', 'privacy_url', 'privacy_contact', 'leave_policy') if stored
                     else ('privacy_url', 'privacy_contact', 'leave_policy'))
    if values['privacy_url'] and not values['privacy_url'].startswith(('https://', 'http://')):
        raise InvalidDirectory(f'{where}: "privacy_url" must be an http(s) address')
    _choice(values, 'leave_policy', LEAVE_POLICIES, where)
    if admins is not None and (not isinstance(admins, list) or
                               not all(isinstance(a, str) and a.strip() and len(a) <= MAX_TEXT for a in admins)):
        raise InvalidDirectory(f'{where}: "admins" must be a list of subjects')
    return Organization(**{**values, 'leave_policy': values['leave_policy'] or SELF_SERVICE},  # type: ignore[arg-type]
                        admins=tuple(dict.fromkeys(a.strip() for a in admins or ())))


def person(entry: Any, where: str) -> Person:
    return Person(**_fields(entry, where, ('subject', 'name', 'home'), ('email',)))  # type: ignore[arg-type]


def membership(entry: Any, where: str) -> Membership:
    values = _fields(entry, where, ('subject', 'organization'), ('joined', 'state', 'left_at'))
    if values['joined'] is not None:
        try:
            date.fromisoformat(values['joined'])
        except ValueError:
            raise InvalidDirectory(f'{where}: "joined" must be an ISO date like 2025-01-31') from None
    _choice(values, 'state', MEMBERSHIP_STATES, where)
    state = values['state'] or ACTIVE
    if (state == LEFT) != (values['left_at'] is not None):
        raise InvalidDirectory(f'{where}: "left_at" is given exactly when "state" is "left"')
    _moment(values, 'left_at', where)
    return Membership(**{**values, 'state': state})  # type: ignore[arg-type]


def invitation(entry: Any, where: str) -> Invitation:
    values = _fields(entry, where, ('id', 'organization', 'email', 'invited_by', 'created', 'expires', 'state'),
                     ('decided_at', 'decided_by'))
    if not EMAIL.fullmatch(values['email'] or ''):
        raise InvalidDirectory(f'{where}: "email" is not an e-mail address')
    _choice(values, 'state', INVITATION_STATES, where)
    for key in ('created', 'expires', 'decided_at'):
        _moment(values, key, where)
    unusable = hashlib.sha256(secrets.token_bytes(32)).hexdigest()  # the secret never leaves the store
    return Invitation(**{**values, 'email': (values['email'] or '').casefold()},  # type: ignore[arg-type]
                      token_hash=unusable)


def removal_request(entry: Any, where: str) -> RemovalRequest:
    values = _fields(entry, where, ('id', 'subject', 'organization', 'created', 'state'),
                     ('message', 'answer', 'answered_at'), long=('message', 'answer'))
    _choice(values, 'state', REQUEST_STATES, where)
    for key in ('created', 'answered_at'):
        _moment(values, key, where)
    return RemovalRequest(**values)  # type: ignore[arg-type]


def stored_invitation(entry: Any, where: str) -> Invitation:
    """An invitation document of the store (a backup): the import checks, and its secret's hash kept."""
    entry = dict(_object(entry, where))
    token_hash = entry.pop('token_hash', None)
    if not isinstance(token_hash, str) or not _HASH.fullmatch(token_hash):
        raise InvalidDirectory(f'{where}: "token_hash" must be a SHA-256 hex digest')
    record = invitation(entry, where)
    return Invitation(**{**asdict(record), 'token_hash': token_hash})


def audit_entry(entry: Any, where: str) -> AuditEntry:
    """An audit document of the store (a backup): the same text limits as the directory's entries."""
    values = _fields(entry, where, ('at', 'actor', 'action'), ('organization', 'detail', 'subject'))
    _moment(values, 'at', where)
    return AuditEntry(**values)  # type: ignore[arg-type]


def exported(section: str, record: Any) -> dict[str, Any]:
    """The file form of a record: what `parse_directory` reads back, defaults and secrets left out."""
    skip, defaults = NOT_EXPORTED.get(section, set()), DEFAULTS.get(section, {})
    return {key: list(value) if isinstance(value, tuple) else value for key, value in asdict(record).items()
            if value is not None and key not in skip and defaults.get(key, object()) != value}


def _object(entry: Any, where: str) -> dict[str, Any]:
    if not isinstance(entry, dict):
        raise InvalidDirectory(f'{where}: must be an object')
    return entry


def _fields(entry: Any, where: str, required: tuple[str, ...], optional: tuple[str, ...],
            long: tuple[str, ...] = ()) -> dict[str, str | None]:
    entry = _object(entry, where)
    if not entry.keys() <= {*required, *optional}:
        unknown = set(entry) - set(required) - set(optional)
        raise InvalidDirectory(f'{where}: unknown field(s) {", ".join(sorted(unknown))}')
    values: dict[str, str | None] = {}
    for key in (*required, *optional):
        value = entry.get(key)
        if value is None and key in optional:
            values[key] = None
            continue
        if not isinstance(value, str) or not value.strip():
            raise InvalidDirectory(f'{where}: "{key}" must be a non-empty text' if key in required
                                   else f'{where}: "{key}" must be a text when given')
        limit = MAX_MESSAGE if key in long else MAX_TEXT
        if len(value) > limit or (key not in long and _CONTROL.search(value)):
            raise InvalidDirectory(f'{where}: "{key}" is longer than {limit} characters or has control characters')
        values[key] = value.strip()
    return values


def _choice(values: dict[str, str | None], key: str, allowed: tuple[str, ...], where: str) -> None:
    if values[key] is not None and values[key] not in allowed:
        raise InvalidDirectory(f'{where}: "{key}" must be one of {", ".join(allowed)}')


def _moment(values: dict[str, str | None], key: str, where: str) -> None:
    value = values.get(key)
    if value is None:
        return
    try:
        datetime.fromisoformat(value)
    except ValueError:
        raise InvalidDirectory(f'{where}: "{key}" must be an ISO date and time like 2026-01-31T09:30:00+00:00') \
            from None

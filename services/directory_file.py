"""Read and write the administrator's directory file; a bad file is refused whole, naming the bad entry."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from data.records import Directory, Membership, Organization, Person
from services.errors import InvalidDirectory

MAX_TEXT = 512


def parse_directory(text: str, *, known_organizations: set[str] = frozenset(),
                    known_people: set[str] = frozenset()) -> Directory:
    """Validate the whole document before anything is stored; `known_*` are the ids already in the store."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise InvalidDirectory(f'not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}') from None
    if not isinstance(document, dict):
        raise InvalidDirectory('the file must hold a JSON object with "organizations", "people" and "memberships"')
    unknown = set(document) - {'organizations', 'people', 'memberships'}
    if unknown:
        raise InvalidDirectory(f'unknown top-level key(s): {", ".join(sorted(unknown))}')
    organizations = tuple(_organization(entry, f'organizations[{i}]')
                          for i, entry in enumerate(_list(document, 'organizations')))
    people = tuple(_person(entry, f'people[{i}]') for i, entry in enumerate(_list(document, 'people')))
    memberships = tuple(_membership(entry, f'memberships[{i}]')
                        for i, entry in enumerate(_list(document, 'memberships')))
    _check_unique(organizations, 'organizations', lambda o: o.id, 'id')
    _check_unique(people, 'people', lambda p: p.subject, 'subject')
    _check_unique(memberships, 'memberships', lambda m: (m.subject, m.organization), 'subject and organization')
    org_ids = {o.id for o in organizations} | set(known_organizations)
    homes = {p.subject: p.home for p in people}
    for i, person in enumerate(people):
        if person.home not in org_ids:
            raise InvalidDirectory(f'people[{i}] (subject {person.subject!r}): home {person.home!r} '
                                   f'is not an organization in the file or the directory')
    for i, membership in enumerate(memberships):
        where = f'memberships[{i}] (subject {membership.subject!r})'
        if membership.subject not in homes and membership.subject not in known_people:
            raise InvalidDirectory(f'{where}: subject is not a person in the file or the directory')
        if membership.organization not in org_ids:
            raise InvalidDirectory(f'{where}: organization {membership.organization!r} is not an organization '
                                   f'in the file or the directory')
        if homes.get(membership.subject) == membership.organization:
            raise InvalidDirectory(f'{where}: {membership.organization!r} is this person\'s home organization; '
                                   f'memberships list only other organizations')
    return Directory(organizations=organizations, people=people, memberships=memberships)


def read_directory_file(path: Path, *, known_organizations: set[str] = frozenset(),
                        known_people: set[str] = frozenset()) -> Directory:
    try:
        text = path.read_text(encoding='utf-8')
    except FileNotFoundError:
        raise InvalidDirectory(f'{path}: no such file') from None
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidDirectory(f'{path}: cannot be read ({error})') from None
    try:
        return parse_directory(text, known_organizations=known_organizations, known_people=known_people)
    except InvalidDirectory as error:
        raise InvalidDirectory(f'{path}: {error}') from None


def directory_document(directory: Directory) -> dict[str, list[dict[str, Any]]]:
    """The export format: exactly what `parse_directory` reads back."""
    def compact(record: Any, keys: tuple[str, ...]) -> dict[str, Any]:
        return {key: getattr(record, key) for key in keys if getattr(record, key) is not None}
    return {
        'organizations': [compact(o, ('id', 'name', 'domain', 'privacy_url', 'contact'))
                          for o in sorted(directory.organizations, key=lambda o: o.id)],
        'people': [compact(p, ('subject', 'name', 'email', 'home'))
                   for p in sorted(directory.people, key=lambda p: p.subject)],
        'memberships': [compact(m, ('subject', 'organization', 'joined'))
                        for m in sorted(directory.memberships, key=lambda m: (m.subject, m.organization))],
    }


def _list(document: dict[str, Any], key: str) -> list[Any]:
    value = document.get(key, [])
    if not isinstance(value, list):
        raise InvalidDirectory(f'"{key}" must be a list')
    return value


def _fields(entry: Any, where: str, required: tuple[str, ...], optional: tuple[str, ...]) -> dict[str, str | None]:
    if not isinstance(entry, dict):
        raise InvalidDirectory(f'{where}: must be an object')
    unknown = set(entry) - set(required) - set(optional)
    if unknown:
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
        if len(value) > MAX_TEXT or any(ord(c) < 32 for c in value):
            raise InvalidDirectory(f'{where}: "{key}" is longer than {MAX_TEXT} characters or has control characters')
        values[key] = value.strip()
    return values


def _organization(entry: Any, where: str) -> Organization:
    values = _fields(entry, where, ('id', 'name', 'domain'), ('privacy_url', 'contact'))
    if values['privacy_url'] and not values['privacy_url'].startswith(('https://', 'http://')):
        raise InvalidDirectory(f'{where}: "privacy_url" must be an http(s) address')
    return Organization(**values)  # type: ignore[arg-type]


def _person(entry: Any, where: str) -> Person:
    return Person(**_fields(entry, where, ('subject', 'name', 'home'), ('email',)))  # type: ignore[arg-type]


def _membership(entry: Any, where: str) -> Membership:
    values = _fields(entry, where, ('subject', 'organization'), ('joined',))
    if values['joined'] is not None:
        try:
            date.fromisoformat(values['joined'])
        except ValueError:
            raise InvalidDirectory(f'{where}: "joined" must be an ISO date like 2025-01-31') from None
    return Membership(**values)  # type: ignore[arg-type]


def _check_unique(records: tuple[Any, ...], name: str, key: Any, label: str) -> None:
    seen: dict[Any, int] = {}
    for i, record in enumerate(records):
        k = key(record)
        if k in seen:
            raise InvalidDirectory(f'{name}[{i}]: same {label} as {name}[{seen[k]}]')
        seen[k] = i

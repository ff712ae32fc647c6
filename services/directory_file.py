"""Read and write the administrator's directory file; a bad file is refused whole, naming the bad entry."""

from __future__ import annotations

import re
from collections.abc import Callable, Container
from datetime import date
from pathlib import Path
from typing import IO, Any

import orjson

from data.records import Directory, Membership, Organization, Person
from services.errors import InvalidDirectory

MAX_TEXT = 512
_CONTROL = re.compile(r'[\x00-\x1f]')
SECTIONS = ('organizations', 'people', 'memberships')
PROGRESS_STEP = 20_000

Progress = Callable[[str, int, int], None]


def parse_directory(text: str | bytes, *, known_organizations: Container[str] = frozenset(),
                    known_people: Container[str] = frozenset(), progress: Progress | None = None) -> Directory:
    """Validate the whole document before anything is stored; `known_*` are the ids already in the store."""
    return directory_from_document(parse_json(text), known_organizations=known_organizations,
                                   known_people=known_people, progress=progress)


def parse_json(text: str | bytes) -> Any:
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError as error:
        if isinstance(text, bytes):
            try:
                text.decode('utf-8')
            except UnicodeDecodeError as bad:
                raise InvalidDirectory(f'not UTF-8 text ({bad.reason} at byte {bad.start})') from None
        raise InvalidDirectory(f'not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}') from None


def directory_from_document(document: Any, *, known_organizations: Container[str] = frozenset(),
                            known_people: Container[str] = frozenset(),
                            progress: Progress | None = None) -> Directory:
    """Turn parsed JSON into records; each entry is dropped once converted (a million parsed entries are
    several times the size of their records)."""
    if not isinstance(document, dict):
        raise InvalidDirectory('the file must hold a JSON object with "organizations", "people" and "memberships"')
    unknown = set(document) - set(SECTIONS)
    if unknown:
        raise InvalidDirectory(f'unknown top-level key(s): {", ".join(sorted(unknown))}')
    counter = _Counter(sum(len(_list(document, key)) for key in SECTIONS), progress)
    organizations = counter.convert(_list(document, 'organizations'), 'organizations', _organization)
    people = counter.convert(_list(document, 'people'), 'people', _person)
    memberships = counter.convert(_list(document, 'memberships'), 'memberships', _membership)
    _check_unique(organizations, 'organizations', lambda o: o.id, 'id')
    _check_unique(people, 'people', lambda p: p.subject, 'subject')
    _check_unique(memberships, 'memberships', lambda m: (m.subject, m.organization), 'subject and organization')
    file_orgs = {o.id for o in organizations}
    homes = {p.subject: p.home for p in people}
    for i, person in enumerate(people):
        if person.home not in file_orgs and person.home not in known_organizations:
            raise InvalidDirectory(f'people[{i}] (subject {person.subject!r}): home {person.home!r} '
                                   f'is not an organization in the file or the directory')
    for i, membership in enumerate(memberships):
        where = f'memberships[{i}] (subject {membership.subject!r})'
        if membership.subject not in homes and membership.subject not in known_people:
            raise InvalidDirectory(f'{where}: subject is not a person in the file or the directory')
        if membership.organization not in file_orgs and membership.organization not in known_organizations:
            raise InvalidDirectory(f'{where}: organization {membership.organization!r} is not an organization '
                                   f'in the file or the directory')
        if homes.get(membership.subject) == membership.organization:
            raise InvalidDirectory(f'{where}: {membership.organization!r} is this person\'s home organization; '
                                   f'memberships list only other organizations')
    counter.finish()
    return Directory(organizations=organizations, people=people, memberships=memberships)


def read_directory_file(path: Path, *, known_organizations: Container[str] = frozenset(),
                        known_people: Container[str] = frozenset(), progress: Progress | None = None) -> Directory:
    try:
        document = parse_json(path.read_bytes())  # the bytes are freed once parsed
    except FileNotFoundError:
        raise InvalidDirectory(f'{path}: no such file') from None
    except OSError as error:
        raise InvalidDirectory(f'{path}: cannot be read ({error})') from None
    except InvalidDirectory as error:
        raise InvalidDirectory(f'{path}: {error}') from None
    try:
        return directory_from_document(document, known_organizations=known_organizations,
                                       known_people=known_people, progress=progress)
    except InvalidDirectory as error:
        raise InvalidDirectory(f'{path}: {error}') from None


def write_directory(directory: Directory, handle: IO[bytes]) -> None:
    """The export format, exactly what `parse_directory` reads back: one entry per line, so it streams."""
    sections: tuple[tuple[str, tuple[str, ...], list[Any]], ...] = (
        ('organizations', ('id', 'name', 'domain', 'privacy_url', 'contact'),
         sorted(directory.organizations, key=lambda o: o.id)),
        ('people', ('subject', 'name', 'email', 'home'), sorted(directory.people, key=lambda p: p.subject)),
        ('memberships', ('subject', 'organization', 'joined'),
         sorted(directory.memberships, key=lambda m: (m.subject, m.organization))),
    )
    handle.write(b'{\n')
    for number, (name, keys, records) in enumerate(sections):
        handle.write(b'  "%s": [' % name.encode())
        for i, record in enumerate(records):
            entry = {key: getattr(record, key) for key in keys if getattr(record, key) is not None}
            handle.write(b'%s\n    %s' % (b',' if i else b'', orjson.dumps(entry)))
        handle.write(b'\n  ]%s\n' % (b',' if number < len(sections) - 1 else b''))
    handle.write(b'}\n')


class _Counter:
    """Reports validation progress every `PROGRESS_STEP` entries (a million entries take seconds)."""

    def __init__(self, total: int, progress: Progress | None) -> None:
        self.total, self.done, self.progress = total, 0, progress

    def convert(self, entries: list[Any], section: str, convert: Callable[[Any, str], Any]) -> tuple[Any, ...]:
        records = []
        for i in range(len(entries)):
            records.append(convert(entries[i], f'{section}[{i}]'))
            entries[i] = None
            self.done += 1
            if self.progress and self.done % PROGRESS_STEP == 0:
                self.progress('validating', self.done, self.total)
        return tuple(records)

    def finish(self) -> None:
        if self.progress:
            self.progress('validating', self.total, self.total)


def _list(document: dict[str, Any], key: str) -> list[Any]:
    value = document.get(key, [])
    if not isinstance(value, list):
        raise InvalidDirectory(f'"{key}" must be a list')
    return value


def _fields(entry: Any, where: str, required: tuple[str, ...], optional: tuple[str, ...]) -> dict[str, str | None]:
    if not isinstance(entry, dict):
        raise InvalidDirectory(f'{where}: must be an object')
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
        if len(value) > MAX_TEXT or _CONTROL.search(value):
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

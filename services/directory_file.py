"""Read and write the administrator's directory file; a bad file is refused whole, naming the bad entry."""

from __future__ import annotations

from collections.abc import Callable, Container
from pathlib import Path
from typing import IO, Any

import orjson

from data.records import Directory, RemovalRequest
from services import directory_entries as entries
from services.errors import InvalidDirectory

SECTIONS = ('organizations', 'people', 'memberships', 'invitations', 'removal_requests')
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
    organizations = counter.convert(_list(document, 'organizations'), 'organizations', entries.organization)
    people = counter.convert(_list(document, 'people'), 'people', entries.person)
    memberships = counter.convert(_list(document, 'memberships'), 'memberships', entries.membership)
    invitations = counter.convert(_list(document, 'invitations'), 'invitations', entries.invitation)
    requests = counter.convert(_list(document, 'removal_requests'), 'removal_requests', entries.removal_request)
    _check_unique(organizations, 'organizations', lambda o: o.id, 'id')
    _check_unique(people, 'people', lambda p: p.subject, 'subject')
    _check_unique(memberships, 'memberships', lambda m: (m.subject, m.organization), 'subject and organization')
    _check_unique(invitations, 'invitations', lambda i: i.id, 'id')
    _check_unique(requests, 'removal_requests', lambda r: r.id, 'id')
    _check_references(Directory(organizations=organizations, people=people, memberships=memberships,
                                invitations=invitations, removal_requests=requests),
                      known_organizations=known_organizations, known_people=known_people)
    counter.finish()
    return Directory(organizations=organizations, people=people, memberships=memberships, invitations=invitations,
                     removal_requests=requests)


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
    sections: tuple[tuple[str, list[Any]], ...] = (
        ('organizations', sorted(directory.organizations, key=lambda o: o.id)),
        ('people', sorted(directory.people, key=lambda p: p.subject)),
        ('memberships', sorted(directory.memberships, key=lambda m: (m.subject, m.organization))),
        ('invitations', sorted(directory.invitations, key=lambda i: (i.organization, i.created, i.id))),
        ('removal_requests', sorted(directory.removal_requests, key=lambda r: (r.organization, r.created, r.id))),
    )
    handle.write(b'{\n')
    for number, (name, records) in enumerate(sections):
        handle.write(b'  "%s": [' % name.encode())
        for i, record in enumerate(records):
            handle.write(b'%s\n    %s' % (b',' if i else b'', orjson.dumps(entries.exported(name, record))))
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


def _check_unique(records: tuple[Any, ...], name: str, key: Any, label: str) -> None:
    seen: dict[Any, int] = {}
    for i, record in enumerate(records):
        k = key(record)
        if k in seen:
            raise InvalidDirectory(f'{name}[{i}]: same {label} as {name}[{seen[k]}]')
        seen[k] = i


def _check_references(directory: Directory, *, known_organizations: Container[str],
                      known_people: Container[str]) -> None:
    """Every id an entry names is in the file or already in the directory."""
    file_orgs = {o.id for o in directory.organizations}
    homes = {p.subject: p.home for p in directory.people}
    for i, person in enumerate(directory.people):
        if person.home not in file_orgs and person.home not in known_organizations:
            raise InvalidDirectory(f'people[{i}] (subject {person.subject!r}): home {person.home!r} '
                                   f'is not an organization in the file or the directory')
    for i, membership in enumerate(directory.memberships):
        where = f'memberships[{i}] (subject {membership.subject!r})'
        if membership.subject not in homes and membership.subject not in known_people:
            raise InvalidDirectory(f'{where}: subject is not a person in the file or the directory')
        if membership.organization not in file_orgs and membership.organization not in known_organizations:
            raise InvalidDirectory(f'{where}: organization {membership.organization!r} is not an organization '
                                   f'in the file or the directory')
        if homes.get(membership.subject) == membership.organization:
            raise InvalidDirectory(f'{where}: {membership.organization!r} is this person\'s home organization; '
                                   f'memberships list only other organizations')
    _check_lifecycle_references(
        directory, is_person=lambda subject: subject in homes or subject in known_people,
        is_organization=lambda org_id: org_id in file_orgs or org_id in known_organizations)


def _check_lifecycle_references(directory: Directory, *, is_person: Callable[[str], bool],
                                is_organization: Callable[[str], bool]) -> None:
    """Administrators are people; invitations and removal requests name known organizations and people."""
    for i, org in enumerate(directory.organizations):
        for admin in org.admins:
            if not is_person(admin):
                raise InvalidDirectory(f'organizations[{i}] (id {org.id!r}): admin {admin!r} is not a person in the '
                                       f'file or the directory')
    for section, records in (('invitations', directory.invitations), ('removal_requests', directory.removal_requests)):
        for i, record in enumerate(records):
            if not is_organization(record.organization):
                raise InvalidDirectory(f'{section}[{i}] (id {record.id!r}): organization {record.organization!r} '
                                       f'is not an organization in the file or the directory')
            if isinstance(record, RemovalRequest) and not is_person(record.subject):
                raise InvalidDirectory(f'{section}[{i}] (id {record.id!r}): subject is not a person in the file or '
                                       f'the directory')

"""Administrator import and export: a bad file is refused whole, naming the bad entry; a good one is idempotent."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from data.repository import DirectoryRepository
from services.directory_admin import DirectoryAdmin
from services.errors import InvalidDirectory

GOOD = {
    'organizations': [{'id': 'org-1', 'name': 'One', 'domain': 'one.example', 'privacy_url': 'https://one.example/p'},
                      {'id': 'org-2', 'name': 'Two', 'domain': 'two.example'}],
    'people': [{'subject': 'sub-a', 'name': 'Ann', 'email': 'ann@one.example', 'home': 'org-1'}],
    'memberships': [{'subject': 'sub-a', 'organization': 'org-2', 'joined': '2025-05-01'}],
}


def write(tmp_path: Path, document: object) -> Path:
    path = tmp_path / 'directory-in.json'
    path.write_text(json.dumps(document) if not isinstance(document, str) else document)
    return path


def test_import_then_export_round_trips(admin: DirectoryAdmin, tmp_path: Path) -> None:
    result = admin.import_file(write(tmp_path, GOOD))
    assert (result.organizations, result.people, result.memberships, result.people_changed) == (2, 1, 1, 1)
    admin.export_file(tmp_path / 'out.json')
    assert json.loads((tmp_path / 'out.json').read_text()) == {**GOOD, 'invitations': [], 'removal_requests': []}


def test_import_is_idempotent(admin: DirectoryAdmin, tmp_path: Path, store: DirectoryRepository) -> None:
    admin.import_file(write(tmp_path, GOOD))
    before = everything(store)
    assert admin.import_file(write(tmp_path, GOOD)).people_changed == 0
    assert everything(store) == before  # not even an audit record: nothing was written


def test_import_reports_progress_and_export_streams_one_entry_per_line(admin: DirectoryAdmin,
                                                                       tmp_path: Path) -> None:
    calls: list[tuple[str, int, int]] = []
    admin.import_file(write(tmp_path, GOOD), progress=lambda *call: calls.append(call))
    assert ('validating', 4, 4) in calls
    assert len({phase for phase, _, _ in calls} - {'validating'}) >= 1  # the store's writing too (its own names)
    admin.export_file(tmp_path / 'out.json')
    lines = (tmp_path / 'out.json').read_text().splitlines()
    assert lines[0] == '{' and lines[-1] == '}'
    assert '    {"subject":"sub-a","organization":"org-2","joined":"2025-05-01"}' in lines


def test_an_import_that_is_not_utf8_is_refused(admin: DirectoryAdmin, tmp_path: Path) -> None:
    path = tmp_path / 'latin1.json'
    path.write_bytes('{"people": [{"subject": "s", "name": "Zo\u00eb"}]}'.encode('latin-1'))
    with pytest.raises(InvalidDirectory, match='not UTF-8'):
        admin.import_file(path)


def bad(**changes: object) -> dict:
    document = json.loads(json.dumps(GOOD))
    for dotted, value in changes.items():
        section, index, field = dotted.split('__')
        document[section][int(index)][field] = value
    return document


@pytest.mark.parametrize(('document', 'message'), [
    ('{"organizations": [', 'not valid JSON'),
    ([], 'JSON object'),
    ({'organisations': []}, 'unknown top-level key'),
    (bad(people__0__home='org-9'), "people[0] (subject 'sub-a'): home 'org-9'"),
    (bad(memberships__0__organization='org-9'), "memberships[0] (subject 'sub-a'): organization 'org-9'"),
    (bad(memberships__0__organization='org-1'), 'home organization'),
    (bad(memberships__0__subject='sub-z'), 'not a person'),
    (bad(memberships__0__joined='yesterday'), 'ISO date'),
    (bad(organizations__1__name=''), 'organizations[1]: "name" must be a non-empty text'),
    (bad(organizations__0__privacy_url='javascript:alert(1)'), 'http(s)'),
    (bad(people__0__nickname='x'), 'unknown field'),
    ({**GOOD, 'organizations': [*GOOD['organizations'], GOOD['organizations'][0]]}, 'same id as organizations[0]'),
])
def test_bad_file_is_refused_whole_and_changes_nothing(admin: DirectoryAdmin, store: DirectoryRepository,
                                                       tmp_path: Path, document: object, message: str) -> None:
    admin.import_file(write(tmp_path, {'organizations': [{'id': 'org-0', 'name': 'Zero', 'domain': 'z.example'}],
                                       'people': [], 'memberships': []}))
    before = everything(store)
    with pytest.raises(InvalidDirectory) as refused:
        admin.import_file(write(tmp_path, document))
    assert message in str(refused.value)
    assert everything(store) == before
    assert [o.id for o in store.export_directory().organizations] == ['org-0']


def test_missing_import_file_is_named(admin: DirectoryAdmin, tmp_path: Path) -> None:
    with pytest.raises(InvalidDirectory, match='no such file'):
        admin.import_file(tmp_path / 'nope.json')


def everything(store: DirectoryRepository) -> tuple[object, ...]:
    """All the store holds, as its interface tells it: the directory, its counts and the audit trail."""
    return store.export_directory(), store.counts(), store.audit_entries()

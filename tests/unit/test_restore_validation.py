"""Attack review finding 11: a restore checks every entry of the backup exactly as an import does.

Through `main.py restore` on the TinyDB folder store that `MYPROFILE_DB` names (no `store` fixture: these run once).
The same check runs before a PostgreSQL restore (`services/wiring.restore_store`); that such a check refusing leaves
the database as it was is tests/data/test_postgres_store.py::test_a_check_that_refuses_the_backup_changes_nothing.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DIRECTORY = ('{"organizations": [{"id": "home", "name": "Home", "domain": "home.example"},'
             ' {"id": "guest", "name": "Guest", "domain": "guest.example", "admins": ["bob"]}],'
             ' "people": [{"subject": "ann", "name": "Ann", "home": "home", "email": "ann@home.example"},'
             ' {"subject": "bob", "name": "Bob", "home": "guest"}],'
             ' "memberships": [{"subject": "ann", "organization": "guest", "joined": "2025-01-31"}],'
             ' "removal_requests": [{"id": "req-1", "subject": "ann", "organization": "guest", "state": "open",'
             ' "created": "2026-01-01T00:00:00+00:00", "message": "Please remove me."}]}')


def run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(('MYPROFILE_', 'NICEGUI_'))}
    clean.update(MYPROFILE_DB=str(tmp_path / 'var' / 'directory.json'))
    return subprocess.run([sys.executable, 'main.py', *args], cwd=ROOT, env=clean, capture_output=True, text=True,
                          timeout=60, check=False)


@pytest.fixture
def backup(tmp_path: Path) -> Path:
    """A store with people, a membership, an invitation and a removal request, and a backup of it."""
    (tmp_path / 'directory.json').write_text(DIRECTORY)
    assert run(tmp_path, 'import', str(tmp_path / 'directory.json')).returncode == 0
    assert run(tmp_path, 'invite', 'guest', 'carl@else.example').returncode == 0
    assert run(tmp_path, 'backup', str(tmp_path / 'good.json')).returncode == 0
    return tmp_path / 'good.json'


def export(tmp_path: Path) -> str:
    out = tmp_path / 'export.json'
    assert run(tmp_path, 'export', str(out)).returncode == 0
    return out.read_text()


def tampered(backup: Path, table: str, field: str, value: object) -> Path:
    tables = json.loads(backup.read_text())
    first = next(iter(tables[table]))
    tables[table][first][field] = value
    bad = backup.with_name(f'bad-{table}-{field}.json')
    bad.write_text(json.dumps(tables))
    return bad


def test_a_backup_with_a_100_000_character_subject_is_refused_and_changes_nothing(tmp_path: Path,
                                                                                backup: Path) -> None:
    before = export(tmp_path)
    bad = tampered(backup, 'people', 'subject', 'x' * 100_000)
    imported = tmp_path / 'bad-import.json'
    imported.write_text(json.dumps({'people': [{'subject': 'x' * 100_000, 'name': 'X', 'home': 'home'}]}))
    refused_import = run(tmp_path, 'import', str(imported))
    result = run(tmp_path, 'restore', str(bad))
    assert result.returncode == refused_import.returncode == 1, result.stderr
    assert f"people[0] (subject '{'x' * 40}…'): \"subject\" is longer than 512 characters" in result.stderr
    assert 'nothing was restored' in result.stderr and 'Traceback' not in result.stderr
    assert len(result.stderr) < 2000  # the entry is named, not echoed whole
    assert export(tmp_path) == before


@pytest.mark.parametrize(('table', 'field', 'value', 'message'), [
    ('organizations', 'name', 'Evil\u0007Corp', '"name" is longer than 512 characters or has control characters'),
    ('organizations', 'privacy_url', 'javascript:alert(1)', '"privacy_url" must be an http(s) address'),
    ('people', 'name', 'n' * 513, '"name" is longer than 512'),
    ('memberships', 'joined', 'yesterday', '"joined" must be an ISO date'),
    ('memberships', 'state', 'left', '"left_at" is given exactly when "state" is "left"'),
    ('invitations', 'email', 'not-an-address', '"email" is not an e-mail address'),
    ('invitations', 'expires', 'soon', '"expires" must be an ISO date and time'),
    ('invitations', 'token_hash', 'guessable', '"token_hash" must be a SHA-256 hex digest'),
    ('audit', 'detail', 'd' * 100_000, '"detail" is longer than 512'),
    ('audit', 'actor', 'a\nforged line', '"actor" is longer than 512 characters or has control characters'),
])
def test_each_entry_is_checked_like_an_import(tmp_path: Path, backup: Path, *, table: str, field: str, value: str,
                                               message: str) -> None:
    before = export(tmp_path)
    result = run(tmp_path, 'restore', str(tampered(backup, table, field, value)))
    assert result.returncode == 1, result.stderr
    assert f'{table}[0] (' in result.stderr and message in result.stderr, result.stderr
    assert export(tmp_path) == before


def test_a_removal_request_is_checked_too(tmp_path: Path, backup: Path) -> None:
    tables = json.loads(backup.read_text())
    assert len(tables['removal_requests']) == 1
    for field, value, message in (('id', 'r' * 600, f"removal_requests[0] (id '{'r' * 40}…'): \"id\" is longer"),
                                  ('message', 'm' * 501, "removal_requests[0] (id 'req-1'): \"message\" is longer"),
                                  ('created', 'later', '"created" must be an ISO date and time')):
        result = run(tmp_path, 'restore', str(tampered(backup, 'removal_requests', field, value)))
        assert result.returncode == 1 and message in result.stderr, result.stderr


def test_a_good_backup_still_restores(tmp_path: Path, backup: Path) -> None:
    before = export(tmp_path)
    assert run(tmp_path, 'purge').returncode == 0
    (tmp_path / 'more.json').write_text('{"people": [{"subject": "dan", "name": "Dan", "home": "home"}]}')
    assert run(tmp_path, 'import', str(tmp_path / 'more.json')).returncode == 0
    assert export(tmp_path) != before
    restored = run(tmp_path, 'restore', str(backup))
    assert restored.returncode == 0, restored.stderr
    assert export(tmp_path) == before

"""The command line an operator meets: clear refusals, exit codes, and nothing changed on bad input.

On the TinyDB folder store that `MYPROFILE_DB` names (no `store` fixture: these run once). The commands on
PostgreSQL (`migrate`, `export`, `disable`) are run by tests/e2e/test_postgres_portal.py.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(('MYPROFILE_', 'NICEGUI_'))}
    clean.update(MYPROFILE_DB=str(tmp_path / 'var' / 'directory.json'), **env)
    return subprocess.run([sys.executable, 'main.py', *args], cwd=ROOT, env=clean, capture_output=True, text=True,
                          timeout=60, check=False)


def test_external_provider_without_storage_secret_refuses_to_start(tmp_path: Path) -> None:
    result = run(tmp_path, 'serve', MYPROFILE_OIDC_ISSUER='https://idp.example', MYPROFILE_OIDC_CLIENT_ID='portal')
    assert result.returncode == 2
    assert 'MYPROFILE_STORAGE_SECRET must be set' in result.stderr


def test_bad_setting_names_the_variable(tmp_path: Path) -> None:
    result = run(tmp_path, 'export', str(tmp_path / 'out.json'), MYPROFILE_PORT='eighty')
    assert result.returncode == 2
    assert 'MYPROFILE_PORT' in result.stderr
    assert not (tmp_path / 'out.json').exists()


def test_bad_import_file_names_the_entry_and_changes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / 'bad.json'
    bad.write_text('{"organizations": [{"id": "o", "name": "O"}]}')
    result = run(tmp_path, 'import', str(bad))
    assert result.returncode == 1
    assert 'organizations[0]: "domain" must be a non-empty text' in result.stderr
    assert 'Traceback' not in result.stderr


def test_membership_commands_restore_disable_and_refuse_plainly(tmp_path: Path) -> None:
    assert run(tmp_path, 'purge').returncode == 0  # an empty store: nothing to purge, and no error
    directory = tmp_path / 'directory.json'
    directory.write_text('{"organizations": [{"id": "home", "name": "Home", "domain": "home.example"},'
                         ' {"id": "guest", "name": "Guest", "domain": "guest.example"}],'
                         ' "people": [{"subject": "ann", "name": "Ann", "home": "home"}],'
                         ' "memberships": [{"subject": "ann", "organization": "guest", "state": "left",'
                         ' "left_at": "2099-01-01T00:00:00+00:00"}]}')
    assert run(tmp_path, 'import', str(directory)).returncode == 0
    restored = run(tmp_path, 'reinstate', 'ann', 'guest')
    assert restored.returncode == 0 and 'ann in guest is now active' in restored.stdout
    again = run(tmp_path, 'reinstate', 'ann', 'guest')
    assert again.returncode == 1 and 'is active, not left' in again.stderr and 'Traceback' not in again.stderr
    assert 'is now disabled' in run(tmp_path, 'disable', 'ann', 'guest').stdout
    unknown = run(tmp_path, 'enable', 'bob', 'guest')
    assert unknown.returncode == 1 and "'bob' has no membership of 'guest'" in unknown.stderr
    missing = run(tmp_path, 'complete-removal', 'no-such-request')
    assert missing.returncode == 1 and "no removal request 'no-such-request'" in missing.stderr
    assert '0 open removal request(s).' in run(tmp_path, 'removal-requests').stdout


def test_invite_prints_the_link_last_and_refuses_bad_input_by_name(tmp_path: Path) -> None:
    directory = tmp_path / 'directory.json'
    directory.write_text('{"organizations": [{"id": "home", "name": "Home", "domain": "home.example"},'
                         ' {"id": "guest", "name": "Guest", "domain": "guest.example"}]}')
    assert run(tmp_path, 'import', str(directory)).returncode == 0
    invited = run(tmp_path, 'invite', 'guest', 'Bob@Else.example', MYPROFILE_PUBLIC_URL='https://portal.example')
    assert invited.returncode == 0
    assert invited.stdout.strip().splitlines()[-1].startswith('https://portal.example/invitations/')
    again = run(tmp_path, 'invite', 'guest', 'bob@else.example')
    assert again.returncode == 1 and 'bob@else.example already has a pending invitation to guest' in again.stderr
    for args, message in ((('guest', 'not-an-address'), "'not-an-address' is not an e-mail address"),
                          (('nowhere', 'c@else.example'), "no organization 'nowhere' in the directory"),
                          (('guest', 'c@else.example', '--days', '0'), 'an invitation lasts 1 to 365 days, not 0')):
        refused = run(tmp_path, 'invite', *args)
        assert refused.returncode == 1 and message in refused.stderr and 'Traceback' not in refused.stderr
    revoked = run(tmp_path, 'revoke-invitation', 'guest', 'bob@else.example')
    assert revoked.returncode == 0 and 'no longer works' in revoked.stdout
    assert 'no pending invitation' in run(tmp_path, 'revoke-invitation', 'guest', 'bob@else.example').stderr

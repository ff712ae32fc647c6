"""Attack review finding 6: a blank or malformed setting never turns the demo provider on by accident.

On the TinyDB folder store that `MYPROFILE_DB` names, beside which the demo keeps its own secret (no `store` fixture:
these run once).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from services.demo_directory import DIRECTORY
from services.settings import SettingsError, load_settings
from services.wiring import build_services
from ui.portal_app import cookie_secret, refuse_demo_on_a_real_directory

ROOT = Path(__file__).resolve().parents[2]
SECRET = 's' * 48
STRANGER = ('{"organizations": [{"id": "home", "name": "Home", "domain": "home.example"}],'
            ' "people": [{"subject": "ann", "name": "Ann", "home": "home"}]}')


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no stray .env
    for name in [n for n in os.environ if n.startswith('MYPROFILE_')]:
        monkeypatch.delenv(name)
    monkeypatch.setenv('MYPROFILE_DB', str(tmp_path / 'var' / 'directory.json'))


def run(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(('MYPROFILE_', 'NICEGUI_'))}
    clean.update(MYPROFILE_DB=str(tmp_path / 'var' / 'directory.json'), **env)
    return subprocess.run([sys.executable, 'main.py', *args], cwd=ROOT, env=clean, capture_output=True, text=True,
                          timeout=60, check=False)


@pytest.mark.parametrize('issuer', ['   ', '\t', 'idp.example', 'ftp://idp.example', 'http://idp.example',
                                    'https://', 'https://idp.example/?tenant=x', 'https://idp.example/#x',
                                    'https://user:pw@idp.example', 'https://idp.example:port'])
def test_a_blank_or_malformed_issuer_is_refused_by_name(monkeypatch: pytest.MonkeyPatch, issuer: str) -> None:
    monkeypatch.setenv('MYPROFILE_OIDC_ISSUER', issuer)
    monkeypatch.setenv('MYPROFILE_OIDC_CLIENT_ID', 'portal')
    monkeypatch.setenv('MYPROFILE_STORAGE_SECRET', SECRET)
    with pytest.raises(SettingsError, match='MYPROFILE_OIDC_ISSUER'):
        load_settings()


@pytest.mark.parametrize('issuer', ['https://idp.example/realms/x', 'http://127.0.0.1:9000/realms/x',
                                    'http://localhost:9000', 'http://[::1]:9000/'])
def test_https_and_loopback_http_issuers_are_accepted(monkeypatch: pytest.MonkeyPatch, issuer: str) -> None:
    monkeypatch.setenv('MYPROFILE_OIDC_ISSUER', issuer)
    monkeypatch.setenv('MYPROFILE_OIDC_CLIENT_ID', 'portal')
    monkeypatch.setenv('MYPROFILE_STORAGE_SECRET', SECRET)
    assert not load_settings().demo_provider


def test_an_empty_issuer_still_means_the_demo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv('MYPROFILE_OIDC_ISSUER', '')
    assert load_settings().demo_provider


@pytest.mark.parametrize(('name', 'value'), [('MYPROFILE_OIDC_CLIENT_ID', '   '),
                                             ('MYPROFILE_OIDC_CLIENT_SECRET', '  '),
                                             ('MYPROFILE_STORAGE_SECRET', ' ' * 40)])
def test_blank_client_settings_are_refused_by_name(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    monkeypatch.setenv('MYPROFILE_OIDC_ISSUER', 'https://idp.example')
    monkeypatch.setenv('MYPROFILE_OIDC_CLIENT_ID', 'portal')
    monkeypatch.setenv('MYPROFILE_STORAGE_SECRET', SECRET)
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=name):
        load_settings()


def test_demo_and_an_external_issuer_together_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv('MYPROFILE_OIDC_ISSUER', 'https://idp.example')
    monkeypatch.setenv('MYPROFILE_OIDC_CLIENT_ID', 'portal')
    monkeypatch.setenv('MYPROFILE_STORAGE_SECRET', SECRET)
    monkeypatch.setenv('MYPROFILE_DEMO', '1')
    with pytest.raises(SettingsError, match='MYPROFILE_DEMO'):
        load_settings()


def test_the_demo_uses_a_configured_storage_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = load_settings()
    own = cookie_secret(settings)  # none configured: the demo's own, kept beside the store
    assert own == (settings.data_dir / 'demo-storage-secret').read_text().strip() and own != SECRET
    monkeypatch.setenv('MYPROFILE_STORAGE_SECRET', SECRET)
    configured = load_settings()
    assert configured.demo_provider and cookie_secret(configured) == SECRET
    monkeypatch.setenv('MYPROFILE_STORAGE_SECRET', 'short')
    with pytest.raises(SettingsError, match='MYPROFILE_STORAGE_SECRET must be at least 32'):
        load_settings()


def test_the_demo_starts_on_its_own_directory_only(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    settings = load_settings()
    services = build_services(settings)
    refuse_demo_on_a_real_directory(settings, services)  # empty: it gets seeded
    services.admin.merge(DIRECTORY, actor='demo', detail='seeded')
    refuse_demo_on_a_real_directory(settings, services)  # the demo's own people only
    (tmp_path / 'stranger.json').write_text(STRANGER)
    services.admin.import_file(tmp_path / 'stranger.json')
    with pytest.raises(SettingsError, match=r'holds 1 people who are not demo accounts.*MYPROFILE_DEMO=1'):
        refuse_demo_on_a_real_directory(settings, services)
    monkeypatch.setenv('MYPROFILE_DEMO', '1')
    asked = load_settings()
    refuse_demo_on_a_real_directory(asked, build_services(asked))  # explicitly asked for


def test_serve_refuses_the_demo_on_a_store_of_other_people(tmp_path: Path) -> None:
    """Finding 6: with the issuer blank or unset, an existing directory must not get the demo's sign-in."""
    (tmp_path / 'stranger.json').write_text(STRANGER)
    assert run(tmp_path, 'import', str(tmp_path / 'stranger.json')).returncode == 0
    for issuer in ('   ', None):
        started = time.monotonic()
        result = run(tmp_path, 'serve', **({'MYPROFILE_OIDC_ISSUER': issuer} if issuer else {}))
        assert result.returncode == 2, result.stderr
        assert result.stderr.startswith('error: ') and 'MYPROFILE_OIDC_ISSUER' in result.stderr
        assert time.monotonic() - started < 30 and 'Traceback' not in result.stderr
    assert 'not demo accounts' in result.stderr and 'MYPROFILE_DEMO=1' in result.stderr

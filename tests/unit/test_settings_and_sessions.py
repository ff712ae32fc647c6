"""Configuration refuses unsafe set-ups; server-side sessions end for real."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.events import MembershipEvents
from services.sessions import SessionStore, SignedInPerson, session_topic
from services.settings import SettingsError, load_settings
from tests.fakes import SettableClock

PERSON = SignedInPerson(issuer='https://idp.example', subject='s-1', name='Ann')


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.chdir(tmp_path)  # no stray .env
    for name in ('ISSUER', 'CLIENT_ID', 'CLIENT_SECRET'):
        monkeypatch.delenv(f'MYPROFILE_OIDC_{name}', raising=False)
    for name in ('STORAGE_SECRET', 'PUBLIC_URL', 'PORT'):
        monkeypatch.delenv(f'MYPROFILE_{name}', raising=False)


def test_no_configuration_means_demo_provider() -> None:
    settings = load_settings()
    assert settings.demo_provider
    assert settings.redirect_uri == 'http://localhost:8080/auth/callback'
    assert settings.db.parent.name == 'var'


def test_external_provider_requires_storage_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv('MYPROFILE_OIDC_ISSUER', 'https://login.example/tenant/v2.0/')
    monkeypatch.setenv('MYPROFILE_OIDC_CLIENT_ID', 'portal')
    with pytest.raises(SettingsError, match='MYPROFILE_STORAGE_SECRET'):
        load_settings()
    monkeypatch.setenv('MYPROFILE_STORAGE_SECRET', 'short')
    with pytest.raises(SettingsError, match='at least 32'):
        load_settings()
    monkeypatch.setenv('MYPROFILE_STORAGE_SECRET', 'x' * 40)
    settings = load_settings()
    assert not settings.demo_provider
    assert settings.oidc_issuer == 'https://login.example/tenant/v2.0'


def test_bad_values_name_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv('MYPROFILE_PORT', 'eighty')
    with pytest.raises(SettingsError, match='MYPROFILE_PORT'):
        load_settings()


def test_env_file_is_honoured(tmp_path) -> None:
    (tmp_path / '.env').write_text('MYPROFILE_PORT=9191\n')
    assert load_settings().port == 9191


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 1, 1, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def test_signed_out_session_is_gone_and_ids_are_fresh() -> None:
    sessions = SessionStore()
    first, second = sessions.start(PERSON), sessions.start(PERSON)
    assert first.id != second.id and len(first.id) >= 40
    sessions.end(first.id)
    assert sessions.get(first.id) is None
    assert sessions.get(second.id) is not None


def test_idle_and_absolute_timeouts() -> None:
    clock = Clock()
    sessions = SessionStore(idle_timeout=timedelta(minutes=30), absolute_lifetime=timedelta(hours=12), clock=clock)
    session = sessions.start(PERSON)
    clock.now += timedelta(minutes=29)
    assert sessions.get(session.id) is not None
    clock.now += timedelta(minutes=31)
    assert sessions.get(session.id) is None
    busy = sessions.start(PERSON)
    for _ in range(24):  # active every 29 minutes for 11.6 hours: never idle
        clock.now += timedelta(minutes=29)
        assert sessions.get(busy.id) is not None
    clock.now += timedelta(minutes=29)  # 12.1 hours after sign-in
    assert sessions.get(busy.id) is None


def test_an_ended_or_expired_session_tells_its_open_pages_and_is_gone() -> None:
    clock, events, heard = SettableClock(), MembershipEvents(), []
    store = SessionStore(idle_timeout=timedelta(minutes=30), clock=clock, events=events)
    person = SignedInPerson(issuer='https://issuer.test', subject='ann', name='Ann')
    signed_out, idle = store.start(person), store.start(person)
    for session in (signed_out, idle):
        events.subscribe(session_topic(session.id), lambda sid=session.id: heard.append(sid))
    store.end(signed_out.id)
    assert heard == [signed_out.id]
    clock.now += timedelta(minutes=31)
    assert store.sweep() == 1  # nobody looked it up: the sweep ends it all the same
    assert heard == [signed_out.id, idle.id]
    assert store.get(idle.id) is None and store.sweep() == 0

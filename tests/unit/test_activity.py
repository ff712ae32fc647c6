"""A person's activity against the real store: newest first, a window at a time, in names, with who did it; and
every sign-in is in it."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from data.errors import StoreError
from data.records import AuditEntry, Changes
from data.repository import DirectoryRepository
from services.activity import OPERATOR, ORGANIZATION, RETENTION, SELF, ActivityEntry, ActivityService
from services.demo_directory import CONTOSO, FABRIKAM, TAILSPIN, WOODGROVE
from services.directory_admin import DirectoryAdmin
from services.errors import SearchTooLong
from services.events import MembershipEvents
from services.identity import IdentityService
from services.membership_admin import MembershipAdmin
from services.organizations import OrganizationService
from ui.components.activity_entry import KNOWN_ACTIONS, entry_html
from ui.i18n import LANGUAGES, Translator

ADELE, MEGAN, LIDIA = 'demo-adele-vance', 'demo-megan-bowen', 'demo-lidia-holloway'
ISSUER = 'https://idp.example'
ROOT = Path(__file__).resolve().parents[2]


class Clock:
    """Moves on a minute every time it is read, so every record has its own time."""

    def __init__(self) -> None:
        self.now = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(minutes=1)
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def activity(store: DirectoryRepository, seeded: DirectoryAdmin) -> ActivityService:
    return ActivityService(store)


@pytest.fixture
def identity(store: DirectoryRepository, events: MembershipEvents, seeded: DirectoryAdmin,
             clock: Clock) -> IdentityService:
    return IdentityService(store, clock=clock, events=events)


def record(store: DirectoryRepository, *entries: AuditEntry) -> None:
    store.transact(lambda reader: Changes(audit=entries))


def actions(activity: ActivityService, subject: str = ADELE, **window: int) -> list[tuple[str, str | None]]:
    return [(entry.action, entry.organization_name) for entry in activity.entries_of(subject, **window).entries]


def test_a_person_without_activity_has_none(activity: ActivityService) -> None:
    view = activity.entries_of(ADELE, offset=0, limit=25)
    assert (view.entries, view.total, view.offset) == ((), 0, 0)


def test_newest_first_with_names_and_who_did_it(activity: ActivityService, store: DirectoryRepository,
                                                events: MembershipEvents, identity: IdentityService,
                                                clock: Clock) -> None:
    identity.person_for(ISSUER, {'sub': ADELE, 'email': 'adele.vance@contoso.com'})
    OrganizationService(store, events, clock=clock).leave(ADELE, FABRIKAM.id)
    admin = MembershipAdmin(store, events, retention=timedelta(days=30), clock=clock)
    admin.disable(ADELE, WOODGROVE.id, actor=MEGAN)  # an administrator of the organization, under their own subject
    admin.enable(ADELE, WOODGROVE.id, actor=OPERATOR)  # the portal's administrator, from the command line
    clock.now += timedelta(days=31)
    admin.purge()

    view = activity.entries_of(ADELE, offset=0, limit=25)

    assert [(e.action, e.organization_id, e.organization_name, e.actor_kind) for e in view.entries] == [
        ('purge', FABRIKAM.id, FABRIKAM.name, RETENTION),
        ('enable', WOODGROVE.id, WOODGROVE.name, OPERATOR),
        ('disable', WOODGROVE.id, WOODGROVE.name, ORGANIZATION),
        ('leave', FABRIKAM.id, FABRIKAM.name, SELF),
        ('sign_in', None, None, SELF),
    ]
    assert view.total == 5
    times = [entry.at for entry in view.entries]
    assert times == sorted(times, reverse=True)
    assert view.entries[-1].at == '2026-03-01T09:01:00+00:00'


def test_an_organization_that_no_longer_exists_is_named_by_its_id_and_answers_are_kept(
        activity: ActivityService, store: DirectoryRepository) -> None:
    record(store,
           AuditEntry(at='2026-03-02T10:00:00+00:00', actor='gone-admin', action='removal_declined',
                      organization='gone-org', subject=ADELE, detail='We still need you for the audit.'),
           AuditEntry(at='2026-03-02T11:00:00+00:00', actor=ADELE, action='something_new', subject=ADELE))
    newest, oldest = activity.entries_of(ADELE).entries
    assert (newest.action, newest.organization_id, newest.organization_name) == ('something_new', None, None)
    assert (oldest.organization_name, oldest.actor_kind, oldest.detail) == \
        ('gone-org', ORGANIZATION, 'We still need you for the audit.')


def test_only_the_persons_own_activity(activity: ActivityService, identity: IdentityService) -> None:
    identity.person_for(ISSUER, {'sub': LIDIA, 'email': 'lidia.holloway@contoso.com'})
    identity.person_for(ISSUER, {'sub': ADELE, 'email': 'adele.vance@contoso.com'})
    assert actions(activity, LIDIA) == [('sign_in', None)]
    assert actions(activity, MEGAN) == []


def test_paged_newest_first_and_an_offset_past_the_end_gives_the_last_window(activity: ActivityService,
                                                                             store: DirectoryRepository) -> None:
    for i in range(60):  # one commit each, as sign-ins come
        record(store, AuditEntry(at=f'2026-03-01T09:{i:02d}:00+00:00', actor=ADELE, action='sign_in', subject=ADELE))
    first = activity.entries_of(ADELE, offset=0, limit=25)
    assert (first.total, first.matching, first.offset, len(first.entries)) == (60, 60, 0, 25)
    assert first.entries[0].at == '2026-03-01T09:59:00+00:00'
    second = activity.entries_of(ADELE, offset=25, limit=25)
    assert second.entries[0].at == '2026-03-01T09:34:00+00:00'
    last = activity.entries_of(ADELE, offset=500, limit=25)
    assert (last.offset, len(last.entries), last.entries[-1].at) == (50, 10, '2026-03-01T09:00:00+00:00')
    assert activity.entries_of(ADELE, offset=-3, limit=25).offset == 0
    positions = [entry.position for entry in activity.entries_of(ADELE).entries]
    assert positions == list(range(59, -1, -1))  # each entry keeps its place in the trail, whatever comes after


def test_search_by_organization_name_or_id(activity: ActivityService, store: DirectoryRepository,
                                           events: MembershipEvents, identity: IdentityService) -> None:
    identity.person_for(ISSUER, {'sub': ADELE, 'email': 'adele.vance@contoso.com'})
    people = OrganizationService(store, events)
    people.leave(ADELE, FABRIKAM.id)
    people.leave(ADELE, TAILSPIN.id)
    assert actions(activity, search='fabrikam') == [('leave', FABRIKAM.name)]
    assert actions(activity, search=f'toys {TAILSPIN.id[:8]}') == [('leave', TAILSPIN.name)]
    view = activity.entries_of(ADELE, search='nothing like it', offset=0, limit=25)
    assert (view.entries, view.total, view.matching) == ((), 3, 0)
    with pytest.raises(SearchTooLong):
        activity.entries_of(ADELE, search='x' * 201)


def test_every_sign_in_is_recorded_once_and_told_to_open_pages(activity: ActivityService, identity: IdentityService,
                                                               events: MembershipEvents) -> None:
    told: list[str] = []
    events.subscribe(ADELE, lambda: told.append(ADELE))
    for _ in range(2):
        person = identity.person_for(ISSUER, {'sub': ADELE, 'email': 'adele.vance@contoso.com'})
        assert person.subject == ADELE
    entries = activity.entries_of(ADELE).entries
    assert [(e.action, e.actor_kind, e.at) for e in entries] == [
        ('sign_in', SELF, '2026-03-01T09:02:00+00:00'), ('sign_in', SELF, '2026-03-01T09:01:00+00:00')]
    assert told == [ADELE, ADELE]


def test_a_first_sign_in_adds_the_person_and_records_the_sign_in(activity: ActivityService,
                                                                  identity: IdentityService) -> None:
    identity.person_for(ISSUER, {'sub': 'new-person', 'email': 'new@contoso.com', 'tid': CONTOSO.id})
    assert actions(activity, 'new-person') == [('sign_in', None)]


class RefusingWrites:
    """The real store, except that it cannot take a commit right now (a full disk, a lock held too long)."""

    def __init__(self, store: DirectoryRepository) -> None:
        self._store = store

    def __getattr__(self, name: str) -> object:
        return getattr(self._store, name)

    def transact(self, work: object) -> set[str]:
        raise StoreError('the store is busy')


def test_a_sign_in_the_store_cannot_record_still_signs_in(store: DirectoryRepository, seeded: DirectoryAdmin,
                                                          activity: ActivityService,
                                                          caplog: pytest.LogCaptureFixture) -> None:
    identity = IdentityService(RefusingWrites(store))  # type: ignore[arg-type]
    with caplog.at_level(logging.WARNING, logger='services.identity'):
        person = identity.person_for(ISSUER, {'sub': ADELE, 'email': 'adele.vance@contoso.com'})
    assert person.subject == ADELE
    assert 'not recorded' in caplog.text
    assert actions(activity) == []


def test_every_action_and_actor_has_words_in_both_languages_and_no_key_is_shared() -> None:
    locales = ROOT / 'ui' / 'locales'
    ours = {lang: json.loads((locales / f'activity.{lang}.json').read_text(encoding='utf-8')) for lang in LANGUAGES}
    assert ours['en'].keys() == ours['nl'].keys()
    for path in locales.glob('*.json'):
        if not path.name.startswith('activity.'):
            assert not ours['en'].keys() & json.loads(path.read_text(encoding='utf-8')).keys(), path.name
    for action in [*KNOWN_ACTIONS, 'not_known_yet']:
        for kind in (SELF, ORGANIZATION, OPERATOR, RETENTION):
            entry = ActivityEntry(position=0, at='2026-03-01T09:05:00+00:00', action=action,
                                  organization_id=FABRIKAM.id, organization_name=FABRIKAM.name, actor_kind=kind)
            for language in LANGUAGES:
                text = entry_html(Translator(language), entry)
                assert 'activity.' not in text, text  # every key found
                assert '..' not in text
                assert (FABRIKAM.name in text) is (action != 'sign_in')  # a sign-in concerns no organization


def test_the_time_is_shown_in_utc_in_the_persons_language() -> None:
    entry = ActivityEntry(position=3, at='2026-03-01T10:05:59+01:00', action='sign_in', organization_id=None,
                          organization_name=None, actor_kind=SELF)
    assert '<time datetime="2026-03-01T09:05:59+00:00">1 March 2026, 09:05 UTC</time>' in \
        entry_html(Translator('en'), entry)
    assert '1 maart 2026, 09:05 UTC' in entry_html(Translator('nl'), entry)

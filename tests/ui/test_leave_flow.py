"""The leave flow given input no honest page sends: every forged organization is refused in plain words.

A Leave button's organization comes from the card the server built, so forged ids cannot come through the page;
these tests hand them to the flow object directly, on a real open page (for its notifications) and a real store.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from nicegui.testing import User

from data.tinydb_store import TinyDirectoryStore
from services.demo_directory import CONTOSO, DIRECTORY, FABRIKAM, WOODGROVE
from services.directory_admin import DirectoryAdmin
from services.events import MembershipEvents
from services.organizations import Organization, OrganizationService
from services.sessions import SessionStore, SignedInPerson
from tests.ui.conftest import sign_in
from ui.i18n import Translator
from ui.leave_flow import LeaveFlow
from ui.open_page import OpenPage

MEGAN = 'demo-megan-bowen'
PLAIN = {"You can't leave your home organization: it owns your account.",
         "That organization doesn't exist or isn't one of yours. Nothing was changed."}


@pytest.mark.parametrize('forged', [
    CONTOSO,  # Megan's view never offers it, and it is Adele's home
    FABRIKAM,  # Megan's own home organization
    WOODGROVE,  # someone else's membership (Lidia's and Adele's), not Megan's
    Organization(id='no-such-organization', name='Unknown'),
    Organization(id='<img src=x onerror=alert(1)>', name='<script>alert(1)</script>'),
    Organization(id='x' * 10_000, name='Long'),
    Organization(id='organisatie-ñ-東京-🙂', name='Niet-ASCII'),
])
async def test_forged_leave_requests_are_refused_with_a_plain_message(user: User, tmp_path: Path,
                                                                      forged: Organization) -> None:
    store = TinyDirectoryStore(tmp_path / 'flow' / 'directory.json')
    events = MembershipEvents()
    DirectoryAdmin(store, events).seed_if_empty(DIRECTORY)
    sessions = SessionStore()
    session = sessions.start(SignedInPerson(issuer='https://issuer.test', subject=MEGAN, name='Megan Bowen'))
    flow = LeaveFlow(organizations=OrganizationService(store, events), sessions=sessions, retention_days=30)
    await sign_in(user, MEGAN)
    await user.open('/organizations')  # a real open page, for the flow's notifications
    page = OpenPage(t=Translator('en'), session_id=session.id, subject=MEGAN, address='127.0.0.1', client=user.client)
    before, audit_before = store.export_directory(), len(store.audit_entries())

    assert await flow.leave(page, forged) is False

    assert store.export_directory() == before
    assert len(store.audit_entries()) == audit_before
    expected = PLAIN | {f'You are no longer a member of {forged.name}; you may have left it in another window.'}
    assert user.notify.messages and user.notify.messages[-1] in expected

"""The Privacy page: for every organization the person belongs to, its privacy statement and privacy contact."""

from __future__ import annotations

from nicegui import ui
from starlette.requests import Request
from starlette.responses import RedirectResponse

from services.errors import UnknownPerson
from services.events import MembershipEvents
from services.organizations import OrganizationService
from services.sessions import SessionStore
from ui.accessible import heading
from ui.components.privacy_lists import PrivacyLists
from ui.frame import page_frame
from ui.live import redraw_on_change
from ui.open_page import open_page
from ui.web_session import no_longer_in_directory, signed_in_visit


def register(organizations: OrganizationService, sessions: SessionStore, events: MembershipEvents) -> None:
    @ui.page('/privacy')
    def privacy_page(request: Request) -> RedirectResponse | None:
        visit = signed_in_visit(request, sessions)
        if isinstance(visit, RedirectResponse):
            return visit
        t, person = visit.t, visit.session.person
        page = open_page(request, visit)
        with page_frame(t, person, path='/privacy', title_key='privacy.title'):
            heading(t('privacy.title'), 1).classes('portal-h1')
            ui.label(t('privacy.intro')).classes('portal-lead')
            lists = PrivacyLists(page, organizations)
        try:
            lists.show()
        except UnknownPerson:
            return no_longer_in_directory()
        redraw_on_change(events, person.subject, lists.show)
        return None

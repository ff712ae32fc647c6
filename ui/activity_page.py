"""The My activity page: what happened to the signed-in person's account, so they can spot what wasn't them."""

from __future__ import annotations

from nicegui import ui
from starlette.requests import Request
from starlette.responses import RedirectResponse

from services.activity import ActivityService
from services.errors import UnknownPerson
from services.events import MembershipEvents
from services.sessions import SessionStore
from ui.accessible import heading
from ui.components.activity_list import ActivityList
from ui.frame import page_frame
from ui.live import redraw_on_change
from ui.open_page import open_page
from ui.web_session import no_longer_in_directory, signed_in_visit


def register(activity: ActivityService, sessions: SessionStore, events: MembershipEvents) -> None:
    @ui.page('/activity')
    async def activity_page(request: Request) -> RedirectResponse | None:
        visit = signed_in_visit(request, sessions)
        if isinstance(visit, RedirectResponse):
            return visit
        t, person = visit.t, visit.session.person
        page = open_page(request, visit)
        with page_frame(t, person, path='/activity', title_key='activity.title'):
            heading(t('activity.title'), 1).classes('portal-h1')
            ui.label(t('activity.intro')).classes('portal-lead')
            entries = ActivityList(page, activity)
        redraw_on_change(events, person.subject, entries.refresh)  # before the first read: no event falls between
        try:
            await entries.show()  # the first window is in the page as it is sent
        except UnknownPerson:
            return no_longer_in_directory()
        return None

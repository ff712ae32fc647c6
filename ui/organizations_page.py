"""The Organizations page: the home organization, and the other organizations with a way to leave each."""

from __future__ import annotations

from nicegui import ui
from starlette.requests import Request
from starlette.responses import RedirectResponse

from services.errors import UnknownPerson
from services.events import MembershipEvents
from services.invitations import InvitationService, email_topic
from services.organizations import OrganizationService
from services.removal_requests import RemovalRequestService
from services.sessions import SessionStore
from ui.accessible import heading
from ui.components.organization_lists import OrganizationActions, OrganizationLists
from ui.frame import page_frame
from ui.invitation_flow import InvitationFlow
from ui.leave_flow import LeaveFlow
from ui.live import redraw_on_change
from ui.open_page import open_page
from ui.removal_flow import RemovalFlow
from ui.web_session import no_longer_in_directory, signed_in_visit


def register(organizations: OrganizationService, removals: RemovalRequestService, invitations: InvitationService,
             sessions: SessionStore, events: MembershipEvents, *, retention_days: int) -> None:
    actions = OrganizationActions(  # one set for every open page
        leave=LeaveFlow(organizations=organizations, sessions=sessions, retention_days=retention_days),
        removal=RemovalFlow(removals=removals, sessions=sessions),
        invitation=InvitationFlow(invitations=invitations, sessions=sessions))

    @ui.page('/organizations')
    def organizations_page(request: Request) -> RedirectResponse | None:
        visit = signed_in_visit(request, sessions)
        if isinstance(visit, RedirectResponse):
            return visit
        t, person = visit.t, visit.session.person
        page = open_page(request, visit)
        with page_frame(t, person, path='/organizations', title_key='organizations.title'):
            title = heading(t('organizations.title'), 1).classes('portal-h1').props('tabindex=-1')
            page.focus_after_leave = title.html_id
            ui.label(t('organizations.intro')).classes('portal-lead')
            lists = OrganizationLists(page, organizations, invitations, actions)
        try:
            lists.show()
        except UnknownPerson:
            return no_longer_in_directory()
        for topic in (person.subject, *(email_topic(email) for email in page.emails)):
            redraw_on_change(events, topic, lists.show)
        return None

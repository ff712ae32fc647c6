"""The Organizations page: the home organization, and the other organizations with a way to leave each."""

from __future__ import annotations

from nicegui import app, ui
from starlette.requests import Request
from starlette.responses import RedirectResponse

from services.events import MembershipEvents
from services.organizations import OrganizationService
from services.sessions import SessionStore
from ui.accessible import heading
from ui.components.organization_card import organization_card
from ui.frame import page_frame
from ui.leave_flow import LeaveFlow
from ui.live import redraw_on_change
from ui.web_session import SESSION_ID, signed_in_visit


def register(organizations: OrganizationService, sessions: SessionStore, events: MembershipEvents) -> None:
    @ui.page('/organizations')
    def organizations_page(request: Request) -> RedirectResponse | None:
        visit = signed_in_visit(request, sessions)
        if isinstance(visit, RedirectResponse):
            return visit
        t, session = visit.t, visit.session
        subject = session.person.subject
        flow = LeaveFlow(t=t, organizations=organizations, sessions=sessions,
                         session_id=request.session.get(SESSION_ID, ''), subject=subject,
                         address=request.client.host if request.client else 'unknown', client=ui.context.client)
        app.storage.client['leave_flow'] = flow  # lets tests drive the handler with forged input

        with page_frame(t, session.person, path='/organizations', title_key='organizations.title'):
            title = heading(t('organizations.title'), 1).classes('portal-h1').props('tabindex=-1')
            flow.focus_after_leave = title.html_id
            ui.label(t('organizations.intro')).classes('portal-lead')

            @ui.refreshable
            def sections() -> None:
                view = organizations.organizations_of(subject)
                with ui.element('section').classes('portal-section w-full') as home_section:
                    home_section.props['aria-labelledby'] = heading(t('organizations.home'), 2) \
                        .classes('portal-h2').html_id
                    organization_card(t, view.home, home=True)
                with ui.element('section').classes('portal-section w-full') as others_section:
                    others_section.props['aria-labelledby'] = heading(t('organizations.others'), 2) \
                        .classes('portal-h2').html_id
                    ui.label(t('organizations.others_intro')).classes('portal-muted')
                    if not view.others:
                        with ui.card().classes('portal-card portal-empty w-full items-center'):
                            ui.icon('group_off', size='lg').props('aria-hidden=true')
                            ui.label(t('organizations.none')).classes('text-center')
                    with ui.element('div').classes('portal-grid w-full'):
                        for guest in view.others:
                            organization_card(t, guest.organization, home=False, joined=guest.joined,
                                              on_leave=flow.ask_and_leave)

            sections()
            redraw_on_change(events, subject, sections.refresh)
        return None

"""The Organizations page: the home organization, and the other organizations with a way to leave each."""

from __future__ import annotations

import logging

from nicegui import run, ui
from starlette.requests import Request
from starlette.responses import RedirectResponse

from services.errors import NotSignedIn, PortalError
from services.events import MembershipEvents
from services.organizations import Organization, OrganizationService
from services.rate_limit import RateLimiter
from services.sessions import SessionStore
from ui.accessible import heading
from ui.components.leave_dialog import confirm_leave
from ui.components.organization_card import organization_card
from ui.frame import page_frame
from ui.i18n import Translator
from ui.live import redraw_on_change
from ui.web_session import SESSION_ID, current_session, language_of, sign_in_redirect

log = logging.getLogger(__name__)


def register(organizations: OrganizationService, sessions: SessionStore, events: MembershipEvents,
             leave_limit: RateLimiter) -> None:
    @ui.page('/organizations')
    def organizations_page(request: Request) -> RedirectResponse | None:
        session = current_session(request, sessions)
        if session is None:
            return sign_in_redirect(request)
        t = Translator(language_of(request))
        session_id = request.session.get(SESSION_ID)
        subject = session.person.subject
        address = request.client.host if request.client else 'unknown'
        client = ui.context.client  # outcomes are shown page-wide: the card that was clicked may be gone by then

        async def leave(organization: Organization) -> None:
            with client:  # the dialog belongs to the page, so it survives a live redraw of the cards
                if not await confirm_leave(t, organization):
                    return
            try:
                current = sessions.get(session_id)  # signed out or expired since this page was built?
                if current is None or current.person.subject != subject:
                    raise NotSignedIn()
                leave_limit.hit(f'person:{subject}', f'address:{address}')
                left = await run.io_bound(organizations.leave, subject, organization.id)
            except NotSignedIn:
                with client:
                    ui.notify(t('error.not_signed_in'), type='warning')
                    ui.navigate.to('/auth/login?next=/organizations')
                return
            except PortalError as error:
                with client:
                    ui.notify(t(error.message_key, name=organization.name), type='negative', multi_line=True)
                return
            with client:
                ui.notify(t('leave.done', name=left.name), type='positive')

        with page_frame(t, session.person, path='/organizations', title_key='organizations.title'):
            heading(t('organizations.title'), 1).classes('portal-h1')
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
                                              on_leave=leave)

            sections()
            redraw_on_change(events, subject, sections.refresh)
        return None

"""The page an invitation link opens: sign in if needed, then that one invitation with Accept and Decline.

A link works once and only for the address it was sent to; an expired, withdrawn, used, unknown or someone
else's link gets its own plain explanation and changes nothing. The link's secret stays out of the access log
(see `request_log`) and is never shown on the page.
"""

from __future__ import annotations

from nicegui import ui
from starlette.requests import Request
from starlette.responses import RedirectResponse

from services.errors import (
    InvitationExpired,
    InvitationForAnotherAddress,
    InvitationRevoked,
    InvitationUsed,
    PortalError,
)
from services.invitations import InvitationService, InvitationView
from services.sessions import SessionStore, SignedInPerson
from ui.accessible import heading
from ui.frame import page_frame
from ui.i18n import format_date
from ui.open_page import OpenPage, open_page
from ui.page_action import act
from ui.web_session import signed_in_visit

REFUSALS: dict[type[PortalError], str] = {InvitationExpired: 'expired', InvitationRevoked: 'revoked',
                                          InvitationUsed: 'used', InvitationForAnotherAddress: 'other_address'}


def register(invitations: InvitationService, sessions: SessionStore) -> None:
    @ui.page('/invitations/{token}')
    def invitation_page(request: Request, token: str) -> RedirectResponse | None:
        visit = signed_in_visit(request, sessions)
        if isinstance(visit, RedirectResponse):
            return visit
        t, person = visit.t, visit.session.person
        page = open_page(request, visit)
        try:
            view = invitations.for_link(token, page.emails)
        except PortalError as error:
            _refused(page, person, REFUSALS.get(type(error), 'unknown'),
                     name=_organization_name(invitations, error))
            return None
        with page_frame(t, person, path='/organizations', title_key='invitation_page.title'):
            _Invitation(page, invitations, sessions, view, token)
        return None


class _Invitation:
    """The invitation, then (after an answer) what became of it: one card whose content is replaced."""

    def __init__(self, page: OpenPage, invitations: InvitationService, sessions: SessionStore, view: InvitationView,
                 token: str) -> None:
        self._page, self._invitations, self._sessions, self._token = page, invitations, sessions, token
        t, name = page.t, view.organization.name
        with ui.card().classes('portal-card portal-notice').mark('invitation') as self._card:
            heading(t('invitation_page.heading', name=name), 1).classes('portal-h1').props('tabindex=-1')
            ui.label(t('invitation_page.body', inviter=view.invited_by, name=name) if view.invited_by != name
                     else t('invitation_page.body_organization', name=name))
            ui.label(t('invitation.expires', date=format_date(view.invitation.expires, t.language))) \
                .classes('portal-muted')
            with ui.row().classes('w-full justify-end gap-2'):
                ui.button(t('invitation.decline'), on_click=lambda: self._answer(view, accept=False)) \
                    .props('flat no-caps color=primary').mark('invitation-decline')
                ui.button(t('invitation.accept'), icon='check', on_click=lambda: self._answer(view, accept=True)) \
                    .props('no-caps unelevated color=primary').mark('invitation-accept')

    async def _answer(self, view: InvitationView, *, accept: bool) -> None:
        page, name = self._page, view.organization.name
        answer = self._invitations.accept if accept else self._invitations.decline
        done = await act(page, self._sessions, lambda: answer(page.subject, page.emails, token=self._token),
                         name=name, return_to='/organizations')
        if done is None:
            return
        with page.client:
            self._card.clear()
            done_key = 'invitation_page.done_accepted' if accept else 'invitation_page.done_declined'
            with self._card:
                with ui.row().classes('items-center gap-2 no-wrap'):
                    ui.icon('check_circle' if accept else 'info', size='md').classes('portal-org-icon') \
                        .props('aria-hidden=true')
                    title = heading(page.t(done_key, name=name), 1).classes('portal-h1').props('tabindex=-1')
                ui.label(page.t(f'{done_key}_more', name=name))
                ui.link(page.t('invitation_page.to_organizations'), '/organizations').classes('portal-action-link')
            ui.run_javascript(f'document.getElementById("{title.html_id}")?.focus()')


def _refused(page: OpenPage, person: SignedInPerson, reason: str, *, name: str) -> None:
    t = page.t
    with page_frame(t, person, path='/organizations', title_key='invitation_page.title'):
        with ui.card().classes('portal-card portal-notice').mark('invitation-refused'):
            with ui.row().classes('items-center gap-2 no-wrap'):
                ui.icon('info', size='md').classes('portal-org-icon').props('aria-hidden=true')
                heading(t(f'invitation_page.{reason}.heading'), 1).classes('portal-h1')
            ui.label(t(f'invitation_page.{reason}.body', name=name))
            ui.link(t('invitation_page.to_organizations'), '/organizations').classes('portal-action-link')


def _organization_name(invitations: InvitationService, error: PortalError) -> str:
    """The organization a refusal concerns (the errors carry its id), for the explanation's wording."""
    org_id = str(error)
    return invitations.organization_name(org_id)

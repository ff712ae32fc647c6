"""The profile's start page: who is signed in, and a summary of their organizations."""

from __future__ import annotations

from nicegui import ui
from starlette.requests import Request
from starlette.responses import RedirectResponse

from services.errors import UnknownPerson
from services.events import MembershipEvents
from services.invitations import InvitationService, email_topic, person_emails
from services.organizations import OrganizationService
from services.sessions import SessionStore
from ui.accessible import heading
from ui.frame import page_frame
from ui.i18n import Translator, format_count
from ui.live import redraw_on_change
from ui.web_session import no_longer_in_directory, signed_in_visit

SUMMARY_NAMES = 3


def register(organizations: OrganizationService, invitations: InvitationService, sessions: SessionStore,
             events: MembershipEvents) -> None:
    @ui.page('/')
    def overview_page(request: Request) -> RedirectResponse | None:
        visit = signed_in_visit(request, sessions)
        if isinstance(visit, RedirectResponse):
            return visit
        t, person = visit.t, visit.session.person
        with page_frame(t, person, path='/', title_key='overview.title'):
            heading(t('overview.title'), 1).classes('portal-h1')
            with ui.element('div').classes('portal-grid w-full'):
                with ui.card().classes('portal-card'):
                    with ui.row().classes('items-center gap-3 no-wrap'):
                        ui.label(_initials(person.name)).classes('portal-avatar').props('aria-hidden=true')
                        with ui.column().classes('gap-0'):
                            heading(person.name, 2).classes('portal-org-name')
                            if person.email:
                                ui.label(person.email).classes('portal-muted')
                    ui.label(t('overview.account_note')).classes('portal-muted')

                with ui.card().classes('portal-card'):
                    with ui.row().classes('items-center gap-2 no-wrap'):
                        ui.icon('corporate_fare', size='md').classes('portal-org-icon').props('aria-hidden=true')
                        heading(t('overview.organizations'), 2).classes('portal-org-name')
                    home = ui.label()
                    others = ui.label().classes('portal-muted')
                    invited = ui.label().classes('portal-invited').mark('overview-invitations')
                    ui.link(t('overview.manage'), '/organizations').classes('portal-action-link')

        def show() -> None:
            """Update the two summary lines in place (nothing is rebuilt)."""
            view = organizations.organizations_of(person.subject, limit=SUMMARY_NAMES)
            home.set_text(t('overview.home_is', name=view.home.name))
            others.set_text(_others_summary(t, [g.organization.name for g in view.others], view.others_total))
            pending = len(invitations.pending_for(emails))
            invited.set_text(t('overview.invitations', count=format_count(pending, t.language)))
            invited.set_visibility(pending > 0)

        emails = person_emails(person)
        try:
            show()
        except UnknownPerson:
            return no_longer_in_directory()
        for topic in (person.subject, *(email_topic(email) for email in emails)):
            redraw_on_change(events, topic, show)
        return None


def _initials(name: str) -> str:
    parts = [p for p in name.split() if p[:1].isalpha()]
    return ''.join(p[0] for p in (parts[:1] + parts[-1:] if len(parts) > 1 else parts)).upper() or '?'


def _others_summary(t: Translator, first_names: list[str], count: int) -> str:
    if count == 0:
        return t('overview.no_others')
    more = count - len(first_names)
    return (t('overview.others_count', count=format_count(count, t.language)) + ' ' + ', '.join(first_names) +
            (t('overview.and_more', count=format_count(more, t.language)) if more > 0 else ''))

"""The administrators' pages: `/admin` lists the organizations a person administers, `/admin/{org_id}` runs one.

Anyone else gets a plain "not allowed" page (HTTP 403) that says nothing about the organization, not even
whether it exists. The page forwards every intent to `OrganizationAdministration`, which authorizes it again
when it runs; the page itself decides nothing. Every section is live on the organization's topic: a guest who
leaves, accepts or asks in another browser shows up here within a second.
"""

from __future__ import annotations

from html import escape

from nicegui import background_tasks, ui
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse

from services.errors import NotAnAdministrator
from services.events import MembershipEvents
from services.org_administration import OrganizationAdministration, organization_topic
from services.sessions import SessionStore
from ui.accessible import heading, named
from ui.components.admin_context import AdminPage
from ui.components.admin_guests import GuestsSection
from ui.components.admin_invitations import InvitationsSection
from ui.components.admin_requests import RequestsSection
from ui.components.admin_settings import SettingsSection
from ui.components.admin_trail import TrailSection
from ui.frame import page_frame
from ui.live import redraw_on_change
from ui.notice_pages import notice
from ui.open_page import open_page
from ui.page_exit import without_page
from ui.web_session import signed_in_visit

TABS = ('guests', 'invitations', 'requests', 'settings', 'activity')


def register(administration: OrganizationAdministration, sessions: SessionStore, events: MembershipEvents, *,
             retention_days: int) -> None:
    @ui.page('/admin')
    def administration_page(request: Request) -> RedirectResponse | HTMLResponse | None:
        visit = signed_in_visit(request, sessions)
        if isinstance(visit, RedirectResponse):
            return visit
        t, person = visit.t, visit.session.person
        organizations = administration.organizations(visit.session.id)
        if not organizations:
            return not_allowed(request)
        with page_frame(t, person, path='/admin', title_key='admin.title'):
            heading(t('admin.title'), 1).classes('portal-h1')
            ui.label(t('admin.intro')).classes('portal-lead')
            cards = ''.join(
                f'<li class="portal-card portal-admin-org"><h2 class="portal-org-name">{escape(org.name)}</h2>'
                f'<p class="portal-muted">{escape(org.domain or org.id)}</p>'
                f'<a class="portal-action-link" href="/admin/{escape(org.id)}">{escape(t("admin.open", name=org.name))}'
                f'</a></li>' for org in organizations)
            ui.html(f'<ul class="portal-grid portal-admin-orgs">{cards}</ul>', sanitize=False).classes('w-full')
        return None

    @ui.page('/admin/{org_id}')
    async def organization_page(request: Request, org_id: str) -> RedirectResponse | HTMLResponse | None:
        visit = signed_in_visit(request, sessions)
        if isinstance(visit, RedirectResponse):
            return visit
        t, person = visit.t, visit.session.person
        try:
            organization = administration.organization(visit.session.id, org_id)
        except NotAnAdministrator:
            return not_allowed(request)
        page = open_page(request, visit)
        admin = AdminPage(page=page, org_id=org_id, administration=administration, sessions=sessions,
                          retention_days=retention_days)
        with page_frame(t, person, path=f'/admin/{org_id}', title_key='admin.title'):
            ui.page_title(f'{organization.name} · {t("admin.title")} · {t("app.name")}')
            ui.html(f'<a class="portal-back" href="/admin">{escape(t("admin.back"))}</a>', sanitize=False)
            heading(organization.name, 1).classes('portal-h1')
            ui.label(t('admin.org_intro', name=organization.name)).classes('portal-lead')
            on_tab = lambda event: trail.refresh() if event.value == 'activity' and not trail.opened else None  # noqa: E731
            with named(ui.tabs(on_change=on_tab), t('admin.tabs')).classes('portal-tabs w-full') \
                    .props('align=left no-caps inline-label outside-arrows mobile-arrows') as tabs:
                tab = {name: ui.tab(name, label=t(f'admin.tab.{name}')).mark(f'tab-{name}') for name in TABS}
            with ui.tab_panels(tabs, value=tab['guests']).props('keep-alive animated=false') \
                    .classes('portal-tab-panels w-full'):
                with ui.tab_panel(tab['guests']):
                    guests = GuestsSection(admin)
                with ui.tab_panel(tab['invitations']):
                    invitations = InvitationsSection(admin)
                with ui.tab_panel(tab['requests']):
                    requests = RequestsSection(admin)
                with ui.tab_panel(tab['settings']):
                    settings = SettingsSection(admin, organization)
                with ui.tab_panel(tab['activity']):
                    trail = TrailSection(admin)

        def changed() -> None:
            for section in (guests, invitations, requests):
                section.refresh()
            trail.refresh_if_opened()
            background_tasks.create(settings.reload(), name='show organization settings')

        redraw_on_change(events, organization_topic(org_id), changed)
        await guests.show()  # the first window of each list is in the page as it is sent
        await invitations.show()
        await requests.show()
        return None


def not_allowed(request: Request) -> HTMLResponse:
    """The same plain 403 whether the organization exists or not; nothing of the page is kept."""
    return without_page(notice(request, path=request.url.path, title_key='forbidden.title', body_key='forbidden.body',
                  icon='problem', action=('/', 'forbidden.back'), status=403))

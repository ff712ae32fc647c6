"""The Privacy page's two live lists: the home organization, and one window of the guest organizations by name.

Both are keyed (`KeyedList`) by organization ID and redrawn only when the organization itself changed, so a leave
elsewhere removes one card and touches no other. Left memberships are not listed: the person is no longer
there to ask about.
"""

from __future__ import annotations

from collections.abc import Callable

from nicegui import background_tasks, ui

from services.errors import PortalError
from services.organizations import Organization, OrganizationService, OrganizationsView
from ui.accessible import region
from ui.components.list_window import ListWindow
from ui.components.privacy_card import PrivacyCard
from ui.keyed_list import KeyedList
from ui.latest_read import LatestRead
from ui.open_page import OpenPage
from ui.person_reads import refused_read

PAGE_SIZE = 50


class PrivacyLists:
    def __init__(self, page: OpenPage, organizations: OrganizationService) -> None:
        t = page.t
        self._page = page
        self._organizations = organizations
        self._reads = LatestRead[OrganizationsView](page, what=f'privacy contacts of {page.subject!r}')
        with region(t('privacy.home')):
            self._home = KeyedList[Organization](ui.element('div').classes('w-full'), key=lambda org: org.id,
                                                 create=lambda org: PrivacyCard(t, org, home=True))
        with region(t('privacy.others')):
            self._window = ListWindow(t, page_size=PAGE_SIZE, search_label=t('privacy.search'), on_move=self.refresh)
            self._window.controls()
            self._none = ui.label(t('privacy.no_others')).classes('portal-muted')
            self._others = KeyedList[Organization](  # membership details (joined, state) are not shown here
                ui.element('div').classes('portal-grid w-full'), key=lambda org: org.id,
                create=lambda org: PrivacyCard(t, org, home=False))
            self._window.pager()

    def refresh(self) -> None:
        """Show the lists again, soon (for live events and for paging or searching)."""
        background_tasks.create(self.show(), name='show privacy contacts')

    async def show(self, *, refused: Callable[[PortalError], None] | None = None) -> None:
        """Read the window the person is looking at off the event loop, then bring both lists up to date with it
        (only the latest read is drawn). A refusal goes to `refused`, by default `refused_read`."""
        window, subject = self._window, self._page.subject
        search, offset, limit = window.search, window.offset, window.page_size
        await self._reads.show(lambda: self._organizations.organizations_of(subject, search=search, offset=offset,
                                                                            limit=limit),
                               self._draw, refused=refused or refused_read(self._page))

    def _draw(self, view: OrganizationsView) -> None:
        window = self._window
        self._home.sync([view.home])
        self._others.sync([guest.organization for guest in view.others])
        self._none.visible = view.others_total == 0
        window.show_counts(total=view.others_total, matching=view.others_matching, offset=view.offset,
                           shown=len(view.others))

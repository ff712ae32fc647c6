"""The Privacy page's two live lists: the home organization, and one window of the guest organizations by name.

Both are keyed (`KeyedList`) by organization ID and redrawn only when the organization itself changed, so a leave
elsewhere removes one card and touches no other. Left memberships are not listed: the person is no longer
there to ask about.
"""

from __future__ import annotations

from nicegui import ui

from services.organizations import Organization, OrganizationService
from ui.accessible import region
from ui.components.list_window import ListWindow
from ui.components.privacy_card import PrivacyCard
from ui.keyed_list import KeyedList
from ui.open_page import OpenPage

PAGE_SIZE = 50


class PrivacyLists:
    def __init__(self, page: OpenPage, organizations: OrganizationService) -> None:
        t = page.t
        self._page = page
        self._organizations = organizations
        with region(t('privacy.home')):
            self._home = KeyedList[Organization](ui.element('div').classes('w-full'), key=lambda org: org.id,
                                                 create=lambda org: PrivacyCard(t, org, home=True))
        with region(t('privacy.others')):
            self._window = ListWindow(t, page_size=PAGE_SIZE, search_label=t('privacy.search'), on_move=self.show)
            self._window.controls()
            self._none = ui.label(t('privacy.no_others')).classes('portal-muted')
            self._others = KeyedList[Organization](  # membership details (joined, state) are not shown here
                ui.element('div').classes('portal-grid w-full'), key=lambda org: org.id,
                create=lambda org: PrivacyCard(t, org, home=False))
            self._window.pager()

    def show(self) -> None:
        """Bring both lists up to date with the store (called on build, on every change and on search or paging)."""
        window = self._window
        view = self._organizations.organizations_of(self._page.subject, search=window.search, offset=window.offset,
                                                    limit=window.page_size)
        self._home.sync([view.home])
        self._others.sync([guest.organization for guest in view.others])
        self._none.visible = view.others_total == 0
        window.show_counts(total=view.others_total, matching=view.others_matching, offset=view.offset,
                           shown=len(view.others))

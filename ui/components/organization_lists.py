"""The Organizations page's live lists: the home organization, pending invitations, and one window of the guest
organizations.

Both are keyed (`KeyedList`): a leave, an import or a rename changes only the cards it concerns. A person who is a
guest in many organizations sees them a window at a time, with a search box (`ListWindow`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from nicegui import ui

from services.invitations import InvitationService, InvitationView
from services.organizations import GuestOrganization, Organization, OrganizationService
from ui.accessible import region
from ui.components.invitation_card import InvitationCard
from ui.components.list_window import ListWindow
from ui.components.organization_card import OrganizationCard
from ui.invitation_flow import InvitationFlow
from ui.keyed_list import KeyedList
from ui.leave_flow import LeaveFlow
from ui.open_page import OpenPage
from ui.removal_flow import RemovalFlow

PAGE_SIZE = 50


@dataclass(frozen=True, slots=True)
class OrganizationActions:
    """What the buttons on the Organizations page do; one set serves every open page."""

    leave: LeaveFlow
    removal: RemovalFlow
    invitation: InvitationFlow


class OrganizationLists:
    def __init__(self, page: OpenPage, organizations: OrganizationService, invitations: InvitationService,
                 actions: OrganizationActions) -> None:
        t = page.t
        self._page = page
        self._organizations = organizations
        self._invitations = invitations
        self._flow, self._removal = actions.leave, actions.removal
        with region(t('organizations.home')):
            self._home = KeyedList[Organization](ui.element('div').classes('w-full'), key=lambda org: org.id,
                                                 create=lambda org: OrganizationCard(t, org))
        with region(t('invitations.title')) as self._invited_section:  # shown only while there are some
            ui.label(t('invitations.intro')).classes('portal-muted')
            self._invited = KeyedList[InvitationView](
                ui.element('div').classes('portal-grid w-full'), key=lambda view: view.invitation.id,
                create=lambda view: InvitationCard(t, view, on_accept=partial(actions.invitation.accept, page),
                                                   on_decline=partial(actions.invitation.decline, page)))
        with region(t('organizations.others')):
            ui.label(t('organizations.others_intro')).classes('portal-muted')
            self._window = ListWindow(t, page_size=PAGE_SIZE, search_label=t('organizations.search'),
                                      on_move=self.show)
            self._window.controls()
            self._empty = ui.element('div').classes('w-full')  # holds the "none yet" card while there are none
            self._others = KeyedList[GuestOrganization](
                ui.element('div').classes('portal-grid w-full'), key=lambda guest: guest.organization.id,
                create=lambda guest: OrganizationCard(t, guest, on_leave=self._ask_and_leave,
                                                      on_request=self._ask_removal))
            self._window.pager()

    def show(self) -> None:
        """Bring both lists up to date with the store (called on build, on every change and on search or paging)."""
        window = self._window
        view = self._organizations.organizations_of(self._page.subject, search=window.search, offset=window.offset,
                                                    limit=window.page_size)
        self._home.sync([view.home])
        invited = self._invitations.pending_for(self._page.emails)
        self._invited.sync(invited)
        self._invited_section.set_visibility(bool(invited))
        self._others.sync(view.others)
        self._show_empty(view.others_total == 0)
        window.show_counts(total=view.others_total, matching=view.others_matching, offset=view.offset,
                           shown=len(view.others))

    def _show_empty(self, empty: bool) -> None:
        if empty and not list(self._empty):
            with self._empty, ui.card().classes('portal-card portal-empty w-full items-center'):
                ui.icon('group_off', size='lg').props('aria-hidden=true')
                ui.label(self._page.t('organizations.none')).classes('text-center')
        elif not empty and list(self._empty):
            self._empty.clear()

    async def _ask_removal(self, organization: Organization) -> None:
        await self._removal.ask_and_send(self._page, organization)

    async def _ask_and_leave(self, organization: Organization) -> None:
        """Confirm, take the card away at once, then leave for good; a refused leave brings the card back.

        The durable commit takes a few milliseconds (more on a busy disk), so the card goes as soon as the person
        confirms; the "You left" message waits for the store. If the store or the rules refuse, the card is shown
        again beside the message that says why, and nothing was changed.
        """
        if not await self._flow.confirm(self._page, organization):
            return
        self._others.drop(organization.id)
        if not await self._flow.leave(self._page, organization):
            self.show()

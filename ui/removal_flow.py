"""A removal request from one page: ask for an optional message, re-check the session, send, tell the outcome."""

from __future__ import annotations

from dataclasses import dataclass

from services.organizations import Organization
from services.removal_requests import RemovalRequestService
from services.sessions import SessionStore
from ui.components.removal_dialog import RemovalDialog
from ui.open_page import OpenPage
from ui.page_action import act, tell


@dataclass(frozen=True, slots=True)
class RemovalFlow:
    removals: RemovalRequestService
    sessions: SessionStore

    async def ask_and_send(self, page: OpenPage, organization: Organization) -> bool:
        with page.client:
            if page.removal_dialog is None:
                page.removal_dialog = RemovalDialog(page.t)
            message = await page.removal_dialog.ask(organization)
        if message is None:
            return False
        sent = await act(page, self.sessions, lambda: self.removals.request(
            page.subject, organization.id, message, address=page.address), name=organization.name)
        if sent is None:
            return False
        tell(page, page.t('removal.sent', name=organization.name))
        return True

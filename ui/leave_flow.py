"""What happens after a Leave click on one page: confirm, re-check the session, call the service, tell the outcome.

The organization comes from the card the server rendered and the person from the server-side session captured
when the page was built; nothing the browser sends chooses either. The service checks the rules again anyway.
One flow serves every open page: what differs per page is the `OpenPage` it is given.
"""

from __future__ import annotations

from dataclasses import dataclass

from services.organizations import Organization, OrganizationService
from services.sessions import SessionStore
from ui.components.leave_dialog import LeaveDialog
from ui.open_page import OpenPage
from ui.page_action import act, tell


@dataclass(frozen=True, slots=True)
class LeaveFlow:
    organizations: OrganizationService
    sessions: SessionStore
    retention_days: int  # told in the dialog: how long the organization can still restore a leave

    async def confirm(self, page: OpenPage, organization: Organization) -> bool:
        """Ask in the page's one leave dialog; True only when the person pressed Leave."""
        with page.client:  # the dialog belongs to the page, not to the card: it outlives the card's removal
            if page.leave_dialog is None:
                page.leave_dialog = LeaveDialog(page.t, retention_days=self.retention_days)
            return await page.leave_dialog.ask(organization)

    async def leave(self, page: OpenPage, organization: Organization) -> bool:
        """Leave after confirmation; True when the membership is gone because of this call."""
        left = await act(page, self.sessions, lambda: self.organizations.leave(
            page.subject, organization.id, address=page.address), name=organization.name)
        if left is None:
            return False
        tell(page, page.t('leave.done', name=left.name), focus=page.focus_after_leave)
        return True

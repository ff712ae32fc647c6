"""What happens after a Leave click on one page: confirm, re-check the session, call the service, tell the outcome.

The organization comes from the card the server rendered and the person from the server-side session captured
when the page was built; nothing the browser sends chooses either. The service checks the rules again anyway.
One flow serves every open page: what differs per page is the `OpenPage` it is given.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from nicegui import run, ui

from services.errors import NotSignedIn, PortalError
from services.organizations import Organization, OrganizationService
from services.sessions import SessionStore
from ui.components.leave_dialog import LeaveDialog
from ui.open_page import OpenPage


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
        t = page.t
        try:
            current = self.sessions.get(page.session_id)  # signed out or expired since the page was built?
            if current is None or current.person.subject != page.subject:
                raise NotSignedIn()
            left = await run.io_bound(self.organizations.leave, page.subject, organization.id, address=page.address)
        except NotSignedIn:
            with page.client:
                ui.notify(t('error.not_signed_in'), type='warning')
                ui.navigate.to('/auth/login?next=/organizations')
            return False
        except PortalError as error:
            with page.client:
                ui.notify(t(error.message_key, name=organization.name), type='negative', multi_line=True)
            return False
        with page.client:
            ui.notify(t('leave.done', name=left.name), type='positive')
            if page.focus_after_leave:
                ui.run_javascript(f'document.getElementById({json.dumps(page.focus_after_leave)})?.focus()')
        return True

"""What happens after a Leave click on one page: confirm, re-check the session, call the service, tell the outcome.

The organization comes from the card the server rendered and the person from the server-side session; nothing
the browser sends chooses either. The service checks the rules again anyway.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from nicegui import run, ui
from nicegui.client import Client

from services.errors import NotSignedIn, PortalError
from services.organizations import Organization, OrganizationService
from services.sessions import SessionStore
from ui.components.leave_dialog import confirm_leave
from ui.i18n import Translator


@dataclass(kw_only=True)
class LeaveFlow:
    t: Translator
    organizations: OrganizationService
    sessions: SessionStore
    session_id: str
    subject: str
    address: str
    client: Client  # outcomes are shown page-wide: the card that was clicked may be gone by then
    focus_after_leave: str | None = None  # html id to move focus to once the card (and its button) is gone

    async def ask_and_leave(self, organization: Organization) -> None:
        with self.client:  # the dialog belongs to the page, so it survives a live redraw of the cards
            if await confirm_leave(self.t, organization):
                await self.leave(organization)

    async def leave(self, organization: Organization) -> bool:
        """Leave after confirmation; True when the membership is gone because of this call."""
        try:
            current = self.sessions.get(self.session_id)  # signed out or expired since the page was built?
            if current is None or current.person.subject != self.subject:
                raise NotSignedIn()
            left = await run.io_bound(self.organizations.leave, self.subject, organization.id, address=self.address)
        except NotSignedIn:
            with self.client:
                ui.notify(self.t('error.not_signed_in'), type='warning')
                ui.navigate.to('/auth/login?next=/organizations')
            return False
        except PortalError as error:
            with self.client:
                ui.notify(self.t(error.message_key, name=organization.name), type='negative', multi_line=True)
            return False
        with self.client:
            ui.notify(self.t('leave.done', name=left.name), type='positive')
            if self.focus_after_leave:
                ui.run_javascript(f'document.getElementById({json.dumps(self.focus_after_leave)})?.focus()')
        return True

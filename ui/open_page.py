"""Who is behind one open page, captured once when the page was built.

Live callbacks and background work must never read the browser session (it may resolve to another request's
person): they use this. It is small on purpose: shared things (translations, services, the leave flow) are not
copied into it, so an open page costs little more than its elements.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from nicegui import ui
from nicegui.client import Client
from starlette.requests import Request

from services.invitations import person_emails
from ui.i18n import Translator
from ui.web_session import SESSION_ID, Visit

if TYPE_CHECKING:
    from ui.components.confirm_dialog import ConfirmDialog
    from ui.components.leave_dialog import LeaveDialog
    from ui.components.removal_dialog import RemovalDialog


@dataclass(kw_only=True, slots=True)
class OpenPage:
    t: Translator
    session_id: str
    subject: str
    address: str
    client: Client
    emails: frozenset[str] = frozenset()  # the person's addresses invitations may be sent to (lower case)
    focus_after_leave: str | None = None  # html id to move focus to once a card (and its button) is gone
    leave_dialog: LeaveDialog | None = field(default=None)  # built on the first Leave, then reused
    removal_dialog: RemovalDialog | None = field(default=None)  # likewise, on the first removal request
    decline_dialog: ConfirmDialog | None = field(default=None)  # and on the first declined invitation


def open_page(request: Request, visit: Visit) -> OpenPage:
    """The page being built for this signed-in visit (call it inside the page function)."""
    person = visit.session.person
    return OpenPage(t=visit.t, session_id=request.session.get(SESSION_ID, ''), subject=person.subject,
                    address=request.client.host if request.client else 'unknown', client=ui.context.client,
                    emails=person_emails(person))

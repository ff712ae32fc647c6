"""Who is behind one open page, captured once when the page was built.

Live callbacks and background work must never read the browser session (it may resolve to another request's
person): they use this. It is small on purpose: shared things (translations, services, the leave flow) are not
copied into it, so an open page costs little more than its elements.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from nicegui.client import Client

from ui.i18n import Translator

if TYPE_CHECKING:
    from ui.components.leave_dialog import LeaveDialog


@dataclass(kw_only=True, slots=True)
class OpenPage:
    t: Translator
    session_id: str
    subject: str
    address: str
    client: Client
    focus_after_leave: str | None = None  # html id to move focus to once a card (and its button) is gone
    leave_dialog: LeaveDialog | None = field(default=None)  # built on the first Leave, then reused

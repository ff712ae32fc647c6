"""One administrator's open organization page: who (the open page), which organization, and the one service the
page forwards every intent to. The sections of the page share it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

from services.org_administration import OrganizationAdministration
from services.sessions import SessionStore
from ui.open_page import OpenPage
from ui.page_action import act

if TYPE_CHECKING:
    from ui.components.confirm_dialog import ConfirmDialog

R = TypeVar('R')


@dataclass(kw_only=True, slots=True)
class AdminPage:
    page: OpenPage
    org_id: str
    administration: OrganizationAdministration
    sessions: SessionStore
    retention_days: int
    confirm: ConfirmDialog | None = field(default=None)  # built on the first question, then reused

    async def act(self, call: Callable[[], R], *, name: str) -> R | None:
        """Run an administrator's action off the event loop; a refusal is said in the page and gives None."""
        return await act(self.page, self.sessions, call, name=name, return_to=f'/admin/{self.org_id}')

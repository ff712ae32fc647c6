"""The in-page confirmation before leaving: names the organization and says plainly it cannot be undone.

One dialog per page, built on the first Leave and reused for every later one (its texts change, its elements
stay), so a card costs nothing for its confirmation until someone actually wants to leave.
"""

from __future__ import annotations

from nicegui import ui

from services.organizations import Organization
from ui.accessible import heading
from ui.i18n import Translator


class LeaveDialog:
    def __init__(self, t: Translator, *, retention_days: int) -> None:
        self._t = t
        self._retention_days = retention_days
        with ui.dialog() as self._dialog, ui.card().classes('portal-dialog'):
            self._title = heading('', 2).classes('text-h6')
            self._body = ui.label()
            self._warning = ui.label().classes('portal-warning')
            with ui.row().classes('w-full justify-end gap-2'):
                ui.button(t('leave.cancel'), on_click=lambda: self._dialog.submit(False)) \
                    .props('flat no-caps autofocus').classes('portal-leave-cancel').mark('leave-cancel')
                self._confirm = ui.button(t('leave.confirm'), on_click=lambda: self._dialog.submit(True)) \
                    .props('no-caps color=negative unelevated').classes('portal-leave-confirm').mark('leave-confirm')
        self._dialog.props['role'] = 'alertdialog'  # a confirmation of something that can't be undone
        self._dialog.props['aria-labelledby'] = self._title.html_id
        self._dialog.props['aria-describedby'] = f'{self._body.html_id} {self._warning.html_id}'

    async def ask(self, organization: Organization) -> bool:
        """True only when the person pressed Leave; Cancel, Escape and clicking outside all answer False."""
        t, name = self._t, organization.name
        self._title.set_text(t('leave.title', name=name))
        self._body.set_text(t('leave.body', name=name))
        self._warning.set_text(f"{t('leave.irreversible', name=name)} "
                               f"{t('leave.retention', name=name, days=self._retention_days)}")
        self._confirm.props['aria-label'] = t('leave.confirm_named', name=name)
        self._confirm.update()
        return await self._dialog is True

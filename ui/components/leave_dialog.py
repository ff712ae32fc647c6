"""The in-page confirmation before leaving: names the organization and says plainly it cannot be undone."""

from __future__ import annotations

from nicegui import ui

from services.organizations import Organization
from ui.accessible import heading, named
from ui.i18n import Translator


async def confirm_leave(t: Translator, organization: Organization) -> bool:
    """True only when the person pressed Leave; Cancel, Escape and clicking outside all answer False."""
    with ui.dialog() as dialog, ui.card().classes('portal-dialog').props('role=alertdialog'):
        title = heading(t('leave.title', name=organization.name), 2).classes('text-h6')
        ui.label(t('leave.body', name=organization.name))
        ui.label(t('leave.irreversible', name=organization.name)).classes('portal-warning')
        with ui.row().classes('w-full justify-end gap-2'):
            ui.button(t('leave.cancel'), on_click=lambda: dialog.submit(False)) \
                .props('flat no-caps autofocus').mark('leave-cancel')
            named(ui.button(t('leave.confirm'), on_click=lambda: dialog.submit(True)),
                  t('leave.confirm_named', name=organization.name)) \
                .props('no-caps color=negative unelevated').mark('leave-confirm')
    dialog.props['aria-labelledby'] = title.html_id
    result = await dialog
    dialog.delete()
    return result is True

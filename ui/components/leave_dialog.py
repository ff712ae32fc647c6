"""The in-page confirmation before leaving: names the organization and says plainly it cannot be undone."""

from __future__ import annotations

import asyncio

from nicegui import background_tasks, ui

from services.organizations import Organization
from ui.accessible import heading, named
from ui.i18n import Translator

CLOSE_TRANSITION_SECONDS = 1.0


async def confirm_leave(t: Translator, organization: Organization) -> bool:
    """True only when the person pressed Leave; Cancel, Escape and clicking outside all answer False."""
    with ui.dialog() as dialog, ui.card().classes('portal-dialog'):
        title = heading(t('leave.title', name=organization.name), 2).classes('text-h6')
        body = ui.label(t('leave.body', name=organization.name))
        warning = ui.label(t('leave.irreversible', name=organization.name)).classes('portal-warning')
        with ui.row().classes('w-full justify-end gap-2'):
            ui.button(t('leave.cancel'), on_click=lambda: dialog.submit(False)) \
                .props('flat no-caps autofocus').mark('leave-cancel')
            named(ui.button(t('leave.confirm'), on_click=lambda: dialog.submit(True)),
                  t('leave.confirm_named', name=organization.name)) \
                .props('no-caps color=negative unelevated').mark('leave-confirm')
    dialog.props['role'] = 'alertdialog'  # a confirmation of something that can't be undone
    dialog.props['aria-labelledby'] = title.html_id
    dialog.props['aria-describedby'] = f'{body.html_id} {warning.html_id}'
    result = await dialog
    # let Quasar finish closing (it hands focus back to the Leave button then) before the element goes
    background_tasks.create(_delete_later(dialog), name='remove closed leave dialog')
    return result is True


async def _delete_later(dialog: ui.dialog) -> None:
    await asyncio.sleep(CLOSE_TRANSITION_SECONDS)
    if not dialog.is_deleted:
        dialog.delete()

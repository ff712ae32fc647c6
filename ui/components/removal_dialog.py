"""The dialog in which a guest who may not leave on their own asks the organization to remove them.

Like the leave dialog, one per page, built on first use and reused; the message box keeps its 500-character limit
in the browser too, with a counter, so the limit is seen before it is refused.
"""

from __future__ import annotations

from nicegui import ui

from services.organizations import Organization
from services.removal_requests import MAX_MESSAGE
from ui.accessible import heading, named
from ui.i18n import Translator


class RemovalDialog:
    def __init__(self, t: Translator) -> None:
        self._t = t
        with ui.dialog() as self._dialog, ui.card().classes('portal-dialog'):
            self._title = heading('', 2).classes('text-h6')
            self._body = ui.label()
            self._message = ui.textarea().props(f'outlined autogrow counter autofocus maxlength={MAX_MESSAGE}') \
                .classes('w-full').mark('removal-message')
            with ui.row().classes('w-full justify-end gap-2'):
                ui.button(t('removal.cancel'), on_click=lambda: self._dialog.submit(None)) \
                    .props('flat no-caps').mark('removal-cancel')
                self._send = ui.button(t('removal.send'), on_click=self._submit) \
                    .props('no-caps color=primary unelevated').mark('removal-send')
        self._dialog.props['aria-labelledby'] = self._title.html_id
        self._dialog.props['aria-describedby'] = self._body.html_id

    def _submit(self) -> None:
        self._dialog.submit(self._message.value or '')

    async def ask(self, organization: Organization) -> str | None:
        """The message to send ('' for none), or None when the person cancelled."""
        t, name = self._t, organization.name
        self._title.set_text(t('removal.title', name=name))
        self._body.set_text(t('removal.body', name=name))
        self._message.value = ''
        self._message.props['label'] = t('removal.message', name=name)
        self._message.props['hint'] = t('removal.message_hint')
        self._message.update()
        named(self._send, t('removal.send_named', name=name)).update()
        answer = await self._dialog
        return answer if isinstance(answer, str) else None

"""A yes-or-no question in the page (declining an invitation): named by its heading, Cancel focused first.

One per page and per kind of question, built on first use and reused; its texts change with each question.
"""

from __future__ import annotations

from nicegui import ui

from ui.accessible import heading, named


class ConfirmDialog:
    def __init__(self, *, cancel: str, confirm: str, marker: str) -> None:
        with ui.dialog() as self._dialog, ui.card().classes('portal-dialog'):
            self._title = heading('', 2).classes('text-h6')
            self._body = ui.label()
            with ui.row().classes('w-full justify-end gap-2'):
                ui.button(cancel, on_click=lambda: self._dialog.submit(False)) \
                    .props('flat no-caps autofocus').mark(f'{marker}-cancel')
                self._confirm = ui.button(confirm, on_click=lambda: self._dialog.submit(True)) \
                    .props('no-caps color=primary unelevated').mark(f'{marker}-confirm')
        self._dialog.props['role'] = 'alertdialog'
        self._dialog.props['aria-labelledby'] = self._title.html_id
        self._dialog.props['aria-describedby'] = self._body.html_id

    async def ask(self, *, title: str, body: str, confirm_name: str) -> bool:
        """True only when the person confirmed; Cancel, Escape and clicking outside answer False."""
        self._title.set_text(title)
        self._body.set_text(body)
        named(self._confirm, confirm_name).update()
        return await self._dialog is True

"""The Removal requests tab: open requests first (oldest first, they have waited longest) with the guest's
message, Remove (completes it) and Decline with an answer the guest reads; answered ones below."""

from __future__ import annotations

from html import escape

from nicegui import background_tasks, ui

from services.org_administration import DONE, OPEN, RequestRow
from ui.accessible import heading, named
from ui.components.admin_context import AdminPage
from ui.i18n import Translator, format_date
from ui.keyed_list import KeyedList
from ui.latest_read import LatestRead
from ui.page_action import tell

MAX_ANSWER = 500


class RequestsSection:
    def __init__(self, admin: AdminPage) -> None:
        self.t = t = admin.page.t
        self._admin = admin
        self._reads = LatestRead[list[RequestRow]](admin.page, what=f'removal requests of {admin.org_id!r}')
        self._answer_dialog: AnswerDialog | None = None
        self._empty = ui.label(t('requests.none')).classes('portal-muted')
        with ui.card().classes('portal-card w-full portal-admin-card') as self._card:
            self._rows = KeyedList[RequestRow](
                named(ui.element('ul'), t('requests.list')).classes('portal-admin-list w-full'),
                key=lambda row: row.request.id, create=lambda row: RequestItem(self, row))
        self._card.visible = False

    def refresh(self) -> None:
        background_tasks.create(self.show(), name='show removal requests')

    async def show(self) -> None:
        admin = self._admin
        await self._reads.show(lambda: admin.administration.removal_requests(admin.page.session_id, admin.org_id),
                               self._draw)

    def _draw(self, rows: list[RequestRow]) -> None:
        self._rows.sync(rows)
        self._card.visible = bool(rows)
        self._empty.visible = not rows

    async def complete(self, row: RequestRow) -> None:
        admin = self._admin
        done = await admin.act(lambda: admin.administration.complete_request(admin.page.session_id, admin.org_id,
                                                                             row.request.id), name=row.name)
        if done is not None:
            tell(admin.page, self.t('requests.completed_done', name=row.name))
            self.refresh()

    async def decline(self, row: RequestRow) -> None:
        admin, t = self._admin, self.t
        if self._answer_dialog is None:
            with admin.page.client.layout:
                self._answer_dialog = AnswerDialog(t)
        answer = await self._answer_dialog.ask(row.name)
        if answer is None:
            return
        done = await admin.act(lambda: admin.administration.decline_request(
            admin.page.session_id, admin.org_id, row.request.id, answer), name=row.name)
        if done is not None:
            tell(admin.page, t('requests.declined_done', name=row.name))
            self.refresh()


class AnswerDialog:
    """Decline with an answer: the answer is required (the guest reads it), Cancel is focused first."""

    def __init__(self, t: Translator) -> None:
        self._t = t
        with ui.dialog() as self._dialog, ui.card().classes('portal-dialog'):
            self._title = heading('', 2).classes('text-h6')
            self._body = ui.label()
            self._answer = ui.textarea(validation={t('requests.answer_hint'): lambda v: bool((v or '').strip())}) \
                .props(f'outlined autogrow maxlength={MAX_ANSWER} counter').classes('w-full').mark('decline-answer')
            with ui.row().classes('w-full justify-end gap-2'):
                ui.button(t('guests.cancel'), on_click=lambda: self._dialog.submit(None)) \
                    .props('flat no-caps autofocus').mark('decline-cancel')
                ui.button(t('requests.decline_confirm'), on_click=self._submit) \
                    .props('no-caps color=primary unelevated').mark('decline-confirm')
        self._dialog.props['aria-labelledby'] = self._title.html_id
        self._dialog.props['aria-describedby'] = self._body.html_id

    async def ask(self, name: str) -> str | None:
        self._title.set_text(self._t('requests.decline_title', name=name))
        self._body.set_text(self._t('requests.decline_body', name=name))
        self._answer.props['label'] = self._t('requests.answer', name=name)
        self._answer.value = ''
        self._answer.update()
        return await self._dialog

    def _submit(self) -> None:
        text = (self._answer.value or '').strip()
        if not text:
            self._answer.validate()
            return
        self._dialog.submit(text)


class RequestItem:
    def __init__(self, section: RequestsSection, row: RequestRow) -> None:
        self._t = section.t
        with ui.element('li').classes('portal-admin-row') as self.element:
            self._text = ui.html(request_html(self._t, row), sanitize=False).classes('portal-admin-row-text')
            self._buttons = ui.element('div').classes('portal-admin-row-actions')
        self._section = section
        self._fill(row)

    def show(self, row: RequestRow) -> None:
        self._text.set_content(request_html(self._t, row))
        self._fill(row)

    def _fill(self, row: RequestRow) -> None:
        self._buttons.clear()
        if row.request.state != OPEN:
            return
        with self._buttons:
            named(ui.button(self._t('requests.complete'), on_click=lambda: self._section.complete(row))
                  .props('flat no-caps color=negative'), self._t('requests.complete_named', name=row.name)) \
                .mark('request-complete')
            named(ui.button(self._t('requests.decline'), on_click=lambda: self._section.decline(row))
                  .props('flat no-caps'), self._t('requests.decline_named', name=row.name)).mark('request-decline')


def request_html(t: Translator, row: RequestRow) -> str:
    request, language = row.request, t.language
    email = f'<span class="portal-admin-email">{escape(row.email)}</span>' if row.email else ''
    message = t('requests.message', message=request.message) if request.message else t('requests.no_message')
    if request.state == OPEN:
        state = t('requests.open', date=format_date(request.created, language))
    elif request.state == DONE:
        state = t('requests.done', date=format_date(request.answered_at or request.created, language))
    else:
        state = t('requests.declined', date=format_date(request.answered_at or request.created, language),
                  answer=request.answer or '')
    return (f'<p class="portal-admin-name">{escape(row.name)}</p>{email}'
            f'<p class="portal-admin-message">{escape(message)}</p>'
            f'<p class="portal-muted portal-admin-meta">{escape(state)}</p>')

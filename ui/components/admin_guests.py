"""The Guests tab: one window of the organization's guests (search, paging), each with what can be done to it.

At ten thousand guests the page shows fifty at a time; the service filters and pages, the list only syncs the
rows that changed (`KeyedList`). Reads run off the event loop and only the answer to the latest one is shown.
"""

from __future__ import annotations

from datetime import datetime
from html import escape

from nicegui import background_tasks, ui

from services.org_administration import ACTIVE, DISABLED, LEFT, Guest, GuestWindow
from ui.accessible import named
from ui.components.admin_context import AdminPage
from ui.components.confirm_dialog import ConfirmDialog
from ui.components.list_window import ListWindow
from ui.i18n import Translator, format_date
from ui.keyed_list import KeyedList
from ui.latest_read import LatestRead
from ui.page_action import tell

PAGE_SIZE = 50


class GuestsSection:
    def __init__(self, admin: AdminPage) -> None:
        self.t = t = admin.page.t
        self._admin = admin
        self._reads = LatestRead[GuestWindow](admin.page, what=f'guests of {admin.org_id!r}')
        self._window = ListWindow(t, page_size=PAGE_SIZE, search_label=t('guests.search'), on_move=self.refresh)
        self._window.controls()
        self._empty = ui.label(t('guests.none')).classes('portal-muted')
        self._empty.visible = False
        with ui.card().classes('portal-card w-full portal-admin-card') as self._card:
            self._rows = KeyedList[Guest](named(ui.element('ul'), t('guests.list')).classes('portal-admin-list w-full'),
                                          key=lambda guest: guest.subject,
                                          create=lambda guest: GuestRow(self, guest))
        self._window.pager()

    def refresh(self) -> None:
        background_tasks.create(self.show(), name='show guests')

    async def show(self) -> None:
        window, admin = self._window, self._admin
        await self._reads.show(lambda: admin.administration.guests(
            admin.page.session_id, admin.org_id, search=window.search, offset=window.offset,
            limit=window.page_size), self._draw)

    def _draw(self, view: GuestWindow) -> None:
        self._rows.sync(view.guests)
        self._card.visible = bool(view.guests)
        self._empty.visible = view.total == 0
        self._window.show_counts(total=view.total, matching=view.matching, offset=view.offset,
                                 shown=len(view.guests))

    # --- actions (the service authorizes each one when it runs) ---

    async def change(self, guest: Guest, action: str) -> None:
        admin, t = self._admin, self._admin.page.t
        call = getattr(admin.administration, action)
        if action == 'remove' and not await self._confirm_removal(guest):
            return
        result = await admin.act(lambda: call(admin.page.session_id, admin.org_id, guest.subject), name=guest.name)
        if result is None:
            return
        purge = format_date(result.isoformat(), t.language) if isinstance(result, datetime) else ''
        tell(admin.page, t(f'guests.{DONE[action]}', name=guest.name, purge=purge))
        self.refresh()

    async def _confirm_removal(self, guest: Guest) -> bool:
        admin, t = self._admin, self._admin.page.t
        if admin.confirm is None:
            with admin.page.client.layout:
                admin.confirm = ConfirmDialog(cancel=t('guests.cancel'), confirm=t('guests.remove_confirm'),
                                              marker='admin-confirm')
        return await admin.confirm.ask(title=t('guests.remove_title', name=guest.name),
                                       body=t('guests.remove_body', name=guest.name, days=admin.retention_days),
                                       confirm_name=t('guests.remove_named', name=guest.name))


DONE = {'disable': 'disabled_done', 'enable': 'enabled_done', 'remove': 'removed_done', 'restore': 'restored_done'}
BUTTONS = {ACTIVE: ('disable', 'remove'), DISABLED: ('enable', 'remove'), LEFT: ('restore',)}


class GuestRow:
    """One guest: an escaped HTML block with who and in what state, and the buttons for that state."""

    def __init__(self, section: GuestsSection, guest: Guest) -> None:
        self._section = section
        self._t = section.t
        with ui.element('li').classes('portal-admin-row') as self.element:
            self._text = ui.html(guest_html(self._t, guest), sanitize=False).classes('portal-admin-row-text')
            self._buttons = ui.element('div').classes('portal-admin-row-actions')
        self._state = ''
        self._fill(guest)

    def show(self, guest: Guest) -> None:
        self._text.set_content(guest_html(self._t, guest))
        self._fill(guest)

    def _fill(self, guest: Guest) -> None:
        wanted = guest.state if guest.state != LEFT or guest.purge_on else ''
        if wanted == self._state:
            return
        self._state = wanted
        self._buttons.clear()
        with self._buttons:
            for action in BUTTONS.get(wanted, ()):
                button = ui.button(self._t(f'guests.{action}'),
                                   on_click=lambda g=guest, a=action: self._section.change(g, a)) \
                    .props('flat no-caps' + (' color=negative' if action == 'remove' else ''))
                named(button, self._t(f'guests.{action}_named', name=guest.name)).mark(f'guest-{action}')


def guest_html(t: Translator, guest: Guest) -> str:
    if guest.state == LEFT:
        purge = guest.purge_on.isoformat() if guest.purge_on else None
        state = t('guests.state.left', date=_date(t, guest.left_at), purge=_date(t, purge))
    else:
        state = t(f'guests.state.{guest.state}')
    joined = t('guests.joined', date=_date(t, guest.joined)) if guest.joined else t('guests.joined_unknown')
    email = f'<span class="portal-admin-email">{escape(guest.email)}</span>' if guest.email else ''
    return (f'<p class="portal-admin-name">{escape(guest.name)}</p>{email}'
            f'<p class="portal-muted portal-admin-meta"><span class="portal-state portal-state-{escape(guest.state)}">'
            f'{escape(state)}</span> · {escape(joined)}</p>')


def _date(t: Translator, iso: str | None) -> str:
    return format_date(iso, t.language) if iso else '?'

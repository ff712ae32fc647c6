"""The Activity tab: the organization's audit trail, newest first, a window at a time, filtered by person.

The trail is read from the store's files (it is not kept in memory), so it is read only once the tab is opened,
off the event loop, and again on changes while it is open.
"""

from __future__ import annotations

from html import escape

from nicegui import background_tasks, ui

from services.org_administration import TrailEntry, TrailWindow
from ui.accessible import named
from ui.components.activity_entry import KNOWN_ACTIONS
from ui.components.admin_context import AdminPage
from ui.components.list_window import ListWindow
from ui.i18n import Translator, format_date
from ui.keyed_list import KeyedList
from ui.latest_read import LatestRead

PAGE_SIZE = 25
ADMIN_ACTIONS = {**KNOWN_ACTIONS, 'invite': 'forward_to_inbox', 'revoke_invitation': 'cancel_schedule_send',
                 'renew_invitation': 'link', 'remove': 'person_remove', 'settings': 'tune'}
TRAIL_ACTIONS = ('invite', 'revoke_invitation', 'renew_invitation', 'invitation_accepted', 'invitation_declined',
                 'leave', 'remove', 'disable', 'enable', 'reinstate', 'purge', 'removal_requested', 'removal_done',
                 'removal_declined', 'settings')


class TrailSection:
    def __init__(self, admin: AdminPage) -> None:
        self.t = t = admin.page.t
        self._admin = admin
        self._reads = LatestRead[TrailWindow](admin.page, what=f'trail of {admin.org_id!r}')
        self.opened = False
        self._window = ListWindow(t, page_size=PAGE_SIZE, search_label=t('trail.search'), on_move=self.refresh)
        self._window.controls()
        self._empty = ui.label(t('trail.none')).classes('portal-muted')
        self._empty.visible = False
        with ui.card().classes('portal-card w-full') as self._card:
            self._entries = KeyedList[TrailEntry](
                named(ui.element('ol'), t('trail.list')).classes('portal-activity-list w-full'),
                key=lambda entry: str(entry.position),
                create=lambda entry: TrailItem(t, entry))
        self._card.visible = False
        self._window.pager()

    def refresh(self) -> None:
        """Read the trail again: on opening the tab, paging, searching, and live changes once it was opened."""
        background_tasks.create(self.show(), name='show organization trail')

    def refresh_if_opened(self) -> None:
        if self.opened:
            self.refresh()

    async def show(self) -> None:
        self.opened = True
        window, admin = self._window, self._admin
        await self._reads.show(lambda: admin.administration.activity(
            admin.page.session_id, admin.org_id, person=window.search, offset=window.offset,
            limit=window.page_size), self._draw)

    def _draw(self, view: TrailWindow) -> None:
        self._entries.sync(view.entries)
        self._card.visible = bool(view.entries)
        self._empty.visible = view.total == 0
        self._window.show_counts(total=view.total, matching=view.matching, offset=view.offset,
                                 shown=len(view.entries))


class TrailItem:
    def __init__(self, t: Translator, entry: TrailEntry) -> None:
        self._t = t
        self.element = ui.html(trail_html(t, entry), sanitize=False, tag='li').classes('portal-activity')

    def show(self, entry: TrailEntry) -> None:
        self.element.set_content(trail_html(self._t, entry))


def trail_html(t: Translator, entry: TrailEntry) -> str:
    icon = ADMIN_ACTIONS.get(entry.action, 'info')
    subject = entry.subject_name or t('trail.someone')
    key = entry.action if entry.action in TRAIL_ACTIONS else 'other'
    sentence = t(f'trail.action.{key}', subject=subject, detail=entry.detail or '', action=entry.action)
    if entry.actor in ('operator', 'retention'):
        actor = t(f'trail.{entry.actor}')
    else:
        actor = entry.actor_name
    by = '' if entry.actor == entry.subject else f' · {escape(t("trail.by", actor=actor))}'
    when = f'{format_date(entry.at, t.language)} {entry.at[11:16]} UTC'
    answer = ''
    if entry.action == 'removal_declined' and entry.detail:
        answer = f'<p class="portal-activity-answer">{escape(entry.detail)}</p>'
    return (f'<div class="portal-activity-icon" aria-hidden="true">'
            f'<i class="q-icon notranslate material-icons">{icon}</i></div>'
            f'<div class="portal-activity-text"><p>{escape(sentence)}</p>{answer}'
            f'<p class="portal-muted portal-activity-meta"><time datetime="{escape(entry.at)}">{escape(when)}</time>'
            f'{by}</p></div>')

"""One line of a person's activity in words: when (date and time in UTC), what happened, and who did it.

An entry is one element, a list item of escaped HTML: it is only read, and a page shows up to a window of them.
The sentences name the organization; actions the portal does not know yet (a newer store, an older app) still
get a sentence naming the action, so the page never fails on them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from html import escape

from nicegui import ui

from services.activity import SELF, ActivityEntry
from ui.i18n import Translator, format_date

KNOWN_ACTIONS = {  # action -> icon
    'sign_in': 'login',
    'leave': 'logout',
    'invitation_accepted': 'mark_email_read',
    'invitation_declined': 'unsubscribe',
    'removal_requested': 'outgoing_mail',
    'removal_done': 'person_remove',
    'removal_declined': 'do_not_disturb_on',
    'reinstate': 'restore',
    'disable': 'lock',
    'enable': 'lock_open',
    'purge': 'delete_forever',
}
ANSWERED = 'removal_declined'  # the organization's answer is in `detail`, and the person should read it



class ActivityItem:
    """The element showing one entry; a renamed organization is shown by replacing its HTML in place."""

    def __init__(self, t: Translator, entry: ActivityEntry) -> None:
        self._t = t
        self.element = ui.html(entry_html(t, entry), sanitize=False, tag='li').classes('portal-activity')

    def show(self, entry: ActivityEntry) -> None:
        self.element.set_content(entry_html(self._t, entry))


def entry_key(entry: ActivityEntry) -> str:
    """Stable for as long as the entry is shown: its place in the trail, with what it records."""
    return f'{entry.position}|{entry.at}|{entry.action}|{entry.organization_id or ""}'


def entry_html(t: Translator, entry: ActivityEntry) -> str:
    """Every value from the store (organization name, action, answer) is escaped here and nowhere else."""
    icon = KNOWN_ACTIONS.get(entry.action, 'info')
    answer = ''
    if entry.action == ANSWERED and entry.detail:
        answer = f'<p class="portal-activity-answer">{_text(t("activity.answer", answer=entry.detail))}</p>'
    moment, when = _when(t, entry.at)
    meta = f'<time datetime="{_attr(moment)}">{_text(when)}</time>'
    if entry.actor_kind != SELF:
        meta += f' · {_text(t(f"activity.by.{entry.actor_kind}"))}'
    return (f'<div class="portal-activity-icon" aria-hidden="true">'
            f'<i class="q-icon notranslate material-icons">{icon}</i></div>'
            f'<div class="portal-activity-text"><p>{_text(sentence(t, entry))}</p>{answer}'
            f'<p class="portal-muted portal-activity-meta">{meta}</p></div>')


def sentence(t: Translator, entry: ActivityEntry) -> str:
    organization = entry.organization_name or t('activity.some_organization')
    if entry.action in KNOWN_ACTIONS:
        text = t(f'activity.action.{entry.action}', organization=organization)
    elif entry.organization_name:
        text = t('activity.action.other', action=entry.action, organization=organization)
    else:
        text = t('activity.action.other_without_organization', action=entry.action)
    # 'You left Fabrikam, Inc.' ends on the name's own full stop, not on a second one
    return text[:-1] if text.endswith('..') and not text.endswith('...') else text


def _when(t: Translator, at: str) -> tuple[str, str]:
    """The machine-readable moment and '14 March 2024, 09:05 UTC'; a value that is no time is shown as given."""
    try:
        moment = datetime.fromisoformat(at)
    except ValueError:
        return at, at
    moment = (moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment).astimezone(UTC)
    return (moment.isoformat(timespec='seconds'),
            t('activity.when', date=format_date(moment.date().isoformat(), t.language), time=f'{moment:%H:%M}'))


def _text(value: str) -> str:
    return escape(value, quote=False)


def _attr(value: str) -> str:
    return escape(value, quote=True)

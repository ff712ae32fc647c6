"""The chrome every signed-in page shares: header, language switch, sign-out and the left navigation pane."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote

from nicegui import ui

from services.sessions import SignedInPerson
from ui.accessible import named
from ui.i18n import LANGUAGES, Translator

QUASAR_LANGUAGE = {'en': 'en-US', 'nl': 'nl'}
NAVIGATION = (('/', 'nav.overview', 'person_outline'), ('/organizations', 'nav.organizations', 'corporate_fare'))


def set_page_language(language: str) -> None:
    """Give this tab's `<html lang>` and Quasar's own texts the person's language (pages are shared objects)."""
    client = ui.context.client
    page = copy.copy(client.page)
    page.language = QUASAR_LANGUAGE[language]  # type: ignore[assignment]
    client.page = page


@contextmanager
def page_frame(t: Translator, person: SignedInPerson | None, *, path: str, title_key: str) -> Iterator[None]:
    """Header and navigation around the page's own content, which is built inside the `with` block."""
    set_page_language(t.language)
    ui.page_title(f'{t(title_key)} · {t("app.name")}')
    ui.add_head_html('<link rel="stylesheet" href="/assets/portal.css"><script src="/assets/portal.js" defer></script>')
    drawer = None
    with ui.header(elevated=False).classes('portal-header items-center no-wrap gap-1 px-2 py-1'):
        if person is not None:
            named(ui.button(icon='menu', on_click=lambda: drawer.toggle() if drawer else None), t('nav.menu')) \
                .props('flat round color=white').classes('lt-md')
        ui.link(t('app.name'), '/').classes('portal-brand')
        ui.space()
        _language_menu(t, path)
        if person is not None:
            ui.label(person.name).classes('gt-sm text-white')
            with named(ui.button(icon='logout', on_click=lambda: ui.navigate.to('/auth/logout')), t('auth.sign_out')) \
                    .props('flat no-caps color=white').mark('sign-out'):
                ui.label(t('auth.sign_out')).classes('gt-xs q-ml-sm')
    if person is not None:
        with ui.left_drawer(bordered=True).classes('portal-drawer') as drawer:
            with named(ui.element('nav'), t('nav.label')).classes('w-full'):
                for target, key, icon in NAVIGATION:
                    _nav_link(t(key), target, icon, current=target == path)
    with ui.element('div').classes('portal-content w-full'):
        yield


def _nav_link(text: str, target: str, icon: str, *, current: bool) -> None:
    link = ui.link(target=target).classes('portal-nav-link' + (' portal-nav-current' if current else ''))
    if current:
        link.props('aria-current=page')
    with link:
        ui.icon(icon).props('aria-hidden=true')
        ui.label(text)


def _language_menu(t: Translator, path: str) -> None:
    button = ui.button(icon='language').props('flat no-caps color=white')
    with named(button, t('lang.switch', current=LANGUAGES[t.language])):
        ui.label(LANGUAGES[t.language]).classes('gt-xs q-ml-sm')
        with ui.menu():
            for code, name in LANGUAGES.items():
                ui.menu_item(name, on_click=lambda code=code: ui.navigate.to(
                    f'/lang/{code}?next={quote(path, safe="")}')).props(f'lang={code} role=menuitem')

"""The chrome every signed-in page shares: header, language switch, sign-out and the left navigation pane."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from html import escape
from urllib.parse import quote

from nicegui import ui

from services.sessions import SignedInPerson
from ui import csrf
from ui.accessible import named
from ui.i18n import LANGUAGES, Translator
from ui.web_session import SESSION_ID

QUASAR_LANGUAGE = {'en': 'en-US', 'nl': 'nl'}
NAVIGATION = (('/', 'nav.overview', 'person_outline'), ('/organizations', 'nav.organizations', 'corporate_fare'),
              ('/activity', 'nav.activity', 'history'), ('/privacy', 'nav.privacy', 'policy'))
ADMINISTRATION = ('/admin', 'nav.admin', 'admin_panel_settings')  # only for people who administer an organization
_administers: list[Callable[[str], bool]] = [lambda subject: False]


def show_administration_to(administers: Callable[[str], bool]) -> None:
    """Whether a person administers an organization (and so sees Administration), asked as each page is built."""
    _administers[0] = administers


def set_page_language(language: str) -> None:
    """Give this tab's `<html lang>` and Quasar's own texts the person's language (pages are shared objects)."""
    client = ui.context.client
    page = copy.copy(client.page)
    page.language = QUASAR_LANGUAGE[language]  # type: ignore[assignment]
    client.page = page


@contextmanager
def page_frame(t: Translator, person: SignedInPerson | None, *, path: str, title_key: str) -> Iterator[None]:
    """Header and navigation around the page's own content, which is built inside the `with` block.

    Every open page carries its frame, so the parts that never talk to the server (the navigation links, the
    language menu's entries) are one block of escaped HTML each rather than a dozen elements.
    """
    set_page_language(t.language)
    ui.page_title(f'{t(title_key)} · {t("app.name")}')
    ui.add_head_html('<link rel="stylesheet" href="/assets/portal.css"><script src="/assets/portal.js" defer></script>')
    drawer = None
    with ui.header(elevated=False).classes('portal-header items-center no-wrap gap-1 px-2 py-1'):
        if person is not None:
            named(ui.button(icon='menu', on_click=lambda: drawer.toggle() if drawer else None), t('nav.menu')) \
                .props('flat round color=white').classes('lt-md')
        ui.link(t('app.name'), '/').classes('portal-brand')
        _language_menu(t, path)
        if person is not None:
            ui.label(person.name).classes('gt-sm text-white')
            ui.html(_sign_out_html(t), sanitize=False).classes('portal-sign-out').mark('sign-out')
    if person is not None:
        with ui.left_drawer(bordered=True).classes('portal-drawer') as drawer:
            ui.html(_navigation_html(t, path, administers=_administers[0](person.subject)),
                    sanitize=False).classes('w-full')
    with ui.element('div').classes('portal-content w-full'):
        yield


def _sign_out_html(t: Translator) -> str:
    """Sign-out is a POST carrying this session's token (another site cannot sign anyone out): a real form, whose
    button wears Quasar's flat header-button classes so it looks and behaves like the buttons beside it."""
    session_id = ui.context.client.request.session.get(SESSION_ID) or ''
    label = escape(t('auth.sign_out'))
    return (f'<form method="post" action="/auth/logout" class="portal-sign-out-form">'
            f'<input type="hidden" name="{csrf.FIELD}" value="{escape(csrf.token_for(session_id))}">'
            f'<button type="submit" aria-label="{label}" class="q-btn q-btn-item non-selectable no-outline '
            f'q-btn--flat q-btn--rectangle text-white q-btn--actionable q-focusable q-hoverable q-btn--no-uppercase">'
            f'<span class="q-focus-helper"></span>'
            f'<span class="q-btn__content text-center col items-center q-anchor--skip justify-center row">'
            f'<i class="q-icon notranslate material-icons" aria-hidden="true" role="img">logout</i>'
            f'<span class="gt-xs q-ml-sm">{label}</span></span></button></form>')


def _navigation_html(t: Translator, path: str, *, administers: bool) -> str:
    links = []
    for target, key, icon in (*NAVIGATION, ADMINISTRATION) if administers else NAVIGATION:
        current = target == path or (target == '/admin' and path.startswith('/admin/'))
        marks = ' portal-nav-current" aria-current="page' if current else ''
        links.append(f'<a href="{target}" class="portal-nav-link{marks}">'
                     f'<i class="q-icon notranslate material-icons" aria-hidden="true">{icon}</i>'
                     f'<span>{escape(t(key), quote=False)}</span></a>')
    return f'<nav aria-label="{escape(t("nav.label"))}">{"".join(links)}</nav>'


def _language_menu(t: Translator, path: str) -> None:
    button = ui.button(icon='language').props('flat no-caps color=white').classes('portal-language')
    with named(button, t('lang.switch', current=LANGUAGES[t.language])):
        ui.label(LANGUAGES[t.language]).classes('gt-xs q-ml-sm')
        with ui.menu().props('role=menu'):
            items = ''.join(
                f'<a role="menuitem" class="portal-menu-item" lang="{code}" hreflang="{code}" '
                f'href="/lang/{code}?next={escape(quote(path, safe=""))}">{escape(name, quote=False)}</a>'
                for code, name in LANGUAGES.items())
            ui.html(items, sanitize=False).classes('portal-menu')

"""Pages shown outside a session: after sign-out, and when a sign-in did not succeed."""

from __future__ import annotations

from nicegui import ui
from starlette.requests import Request

from ui.accessible import heading
from ui.frame import page_frame
from ui.i18n import Translator
from ui.web_session import language_of

REASONS = ('cancelled', 'refused', 'unavailable', 'unknown_person', 'rate_limited')


def register() -> None:
    @ui.page('/signed-out')
    def signed_out(request: Request) -> None:
        t = Translator(language_of(request))
        _notice(t, path='/signed-out', title_key='signed_out.title', body_key='signed_out.body', icon='check_circle')

    @ui.page('/sign-in-problem')
    def sign_in_problem(request: Request, reason: str = 'refused') -> None:
        t = Translator(language_of(request))
        reason = reason if reason in REASONS else 'refused'
        _notice(t, path=f'/sign-in-problem?reason={reason}', title_key=f'problem.{reason}.title',
                body_key=f'problem.{reason}.body',
                icon='info' if reason == 'cancelled' else 'error_outline')


def _notice(t: Translator, *, path: str, title_key: str, body_key: str, icon: str) -> None:
    with page_frame(t, None, path=path, title_key=title_key):
        with ui.card().classes('portal-card portal-notice'):
            with ui.row().classes('items-center gap-2 no-wrap'):
                ui.icon(icon, size='md').classes('portal-org-icon').props('aria-hidden=true')
                heading(t(title_key), 1).classes('portal-h1')
            ui.label(t(body_key))
            ui.button(t('auth.sign_in_again'), on_click=lambda: ui.navigate.to('/auth/login')) \
                .props('unelevated no-caps color=primary')

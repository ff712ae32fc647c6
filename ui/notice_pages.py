"""Pages shown outside a session: after sign-out, when a sign-in did not succeed, and "not allowed".

Anyone can request them, any number of times, so they are plain server-rendered HTML: no NiceGUI page object,
no live connection, nothing kept once the response is sent (a NiceGUI page lives on for a minute or more, so a
few thousand anonymous views used to hold hundreds of megabytes). Every dynamic value is escaped.
"""

from __future__ import annotations

from html import escape
from urllib.parse import quote

from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import HTMLResponse

from ui.i18n import LANGUAGES, Translator
from ui.web_session import language_of

REASONS = ('cancelled', 'refused', 'unavailable', 'unknown_person', 'rate_limited')
# no script at all, styles only from our own stylesheet, forms only back to us
POLICY = ("default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; "
          "base-uri 'none'")
WHITE = 'fill="#fff"'
ICONS = {  # a filled circle with a white mark, inline: the page needs no icon font
    'done': f'<path d="M7 12.4l3.3 3.3L17.2 8.8" {WHITE.replace("fill", "stroke")} stroke-width="2.2" fill="none"/>',
    'info': f'<rect x="11" y="10.5" width="2" height="6.5" {WHITE}/><circle cx="12" cy="7.7" r="1.3" {WHITE}/>',
    'problem': f'<rect x="11" y="6.3" width="2" height="7.2" {WHITE}/><circle cx="12" cy="16.7" r="1.3" {WHITE}/>',
}


def register(app: FastAPI) -> None:
    @app.get('/signed-out', include_in_schema=False)
    def signed_out(request: Request) -> HTMLResponse:
        return notice(request, path='/signed-out', title_key='signed_out.title', body_key='signed_out.body',
                      icon='done', action=('/auth/login', 'auth.sign_in_again'))

    @app.get('/sign-in-problem', include_in_schema=False)
    def sign_in_problem(request: Request, reason: str = 'refused') -> HTMLResponse:
        reason = reason if reason in REASONS else 'refused'
        return notice(request, path=f'/sign-in-problem?reason={reason}', title_key=f'problem.{reason}.title',
                      body_key=f'problem.{reason}.body', icon='info' if reason == 'cancelled' else 'problem',
                      action=('/auth/login', 'auth.sign_in_again'))


def notice(request: Request, *, path: str, title_key: str, body_key: str, icon: str,
           action: tuple[str, str] | None, status: int = 200) -> HTMLResponse:
    """One notice in the portal's frame and the visitor's language, with a language switch back to `path`."""
    t = Translator(language_of(request))
    title = escape(t(title_key))
    current = ' aria-current="true"'
    languages = ''.join(
        f'<a href="/lang/{code}?next={escape(quote(path, safe=""))}" lang="{code}" hreflang="{code}"'
        f'{current if code == t.language else ""}>{escape(name)}</a>'
        for code, name in LANGUAGES.items())
    button = f'<a class="action" href="{escape(action[0])}">{escape(t(action[1]))}</a>' if action else ''
    page = ('<!DOCTYPE html>'
            f'<html lang="{escape(t.language)}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>{title} · {escape(t("app.name"))}</title>'
            '<link rel="stylesheet" href="/assets/notice.css"></head>'
            f'<body><header class="bar"><a class="brand" href="/">{escape(t("app.name"))}</a>'
            f'<nav class="languages" aria-label="{escape(t("lang.label"))}">{languages}</nav></header>'
            f'<main><section class="card" aria-labelledby="notice-title">'
            f'<div class="title{" problem" if icon == "problem" else ""}">'
            f'<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><circle cx="12" cy="12" r="10"/>'
            f'{ICONS[icon]}</svg>'
            f'<h1 id="notice-title">{title}</h1></div>'
            f'<p>{escape(t(body_key))}</p>{button}</section></main></body></html>')
    return HTMLResponse(page, status_code=status, headers={'Content-Security-Policy': POLICY})

"""The demo provider's HTML: plain server-rendered pages, no JavaScript, every dynamic value escaped."""

from __future__ import annotations

from html import escape

from demo_idp import SignInPrompt
from demo_idp.i18n import Translator

STYLE = """
*{box-sizing:border-box}
body{margin:0;font:1rem/1.5 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1b1b1b;background:#fff}
header{background:#fff4ce;color:#3d2c00;border-bottom:2px solid #3d2c00;padding:.75rem 1rem}
header p{max-width:36rem;margin:0 auto}
main{max-width:36rem;margin:0 auto;padding:1.5rem 1rem 3rem}
h1{font-size:1.5rem;line-height:1.25;margin:0 0 .75rem}
ul{list-style:none;margin:1rem 0;padding:0}
li{margin:0 0 .75rem}
button{display:block;width:100%;min-height:2.75rem;padding:.75rem 1rem;font:inherit;text-align:left;cursor:pointer;
border:2px solid #0f5ca8;border-radius:.375rem;overflow-wrap:anywhere}
.account{background:#0f5ca8;color:#fff}
.account:hover{background:#0b4a88;border-color:#0b4a88}
.account span{display:block}
.name{font-weight:700}
.cancel{background:#fff;color:#0f5ca8;text-align:center}
.cancel:hover{background:#eef4fb}
button:focus-visible{outline:3px solid #1b1b1b;outline-offset:3px}
code{overflow-wrap:anywhere}
"""


def sign_in_page(prompt: SignInPrompt, t: Translator, *, action: str) -> str:
    """Pick a demo account (or cancel); the form re-sends the authorization request and its proof."""
    hidden = ''.join(_hidden(name, value) for name, value in (*prompt.parameters, ('proof', prompt.proof)))
    accounts = ''.join(
        f'<li><button type="submit" class="account" name="account" value="{escape(account.subject)}">'
        f'<span class="name">{escape(account.name)}</span><span>{escape(account.email)}</span>'
        f'<span>{escape(t(account.description_key))}</span></button></li>'
        for account in prompt.accounts)
    body = (f'<h1>{escape(t("demo_provider.sign_in.heading"))}</h1>'
            f'<p>{escape(t("demo_provider.sign_in.intro"))}</p>'
            f'<form method="post" action="{escape(action)}">{hidden}'
            f'<ul aria-label="{escape(t("demo_provider.sign_in.accounts"))}">{accounts}</ul>'
            f'<button type="submit" class="cancel" name="cancel" value="1">'
            f'{escape(t("demo_provider.sign_in.cancel"))}</button></form>')
    return _document(t, title=t('demo_provider.sign_in.title'), body=body)


def message_page(t: Translator, *, heading_key: str, text_key: str, detail: str = '') -> str:
    """A dead end that explains itself: an invalid request, or signed out with nowhere to return to."""
    body = f'<h1>{escape(t(heading_key))}</h1><p>{escape(t(text_key))}</p>'
    if detail:
        body += f'<p>{escape(t("demo_provider.error.detail"))}: <code>{escape(detail)}</code></p>'
    return _document(t, title=t(heading_key), body=body)


def _document(t: Translator, *, title: str, body: str) -> str:
    return ('<!DOCTYPE html>'
            f'<html lang="{escape(t.language)}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>{escape(title)} · {escape(t("demo_provider.name"))}</title><style>{STYLE}</style></head>'
            f'<body><header><p><strong>{escape(t("demo_provider.banner.label"))}</strong> '
            f'{escape(t("demo_provider.banner.text"))}</p></header><main>{body}</main></body></html>')


def _hidden(name: str, value: str) -> str:
    return f'<input type="hidden" name="{escape(name)}" value="{escape(value)}">'

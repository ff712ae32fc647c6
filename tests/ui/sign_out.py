"""Signing out as the header's button does: a POST of its form, with the token the page carries."""

from __future__ import annotations

import html
import re

import httpx
from nicegui import ui
from nicegui.testing import User

TOKEN = re.compile(r'name=\\?"csrf_token\\?" value=\\?"([A-Za-z0-9_-]+)\\?"')


def token_in(page_html: str) -> str:
    """The sign-out token from a page's HTML (the header's form sits, JSON-escaped, in the page's elements)."""
    found = TOKEN.search(page_html)
    assert found, 'no sign-out form on the page'
    return found.group(1)


def sign_out_form(user: User) -> tuple[str, dict[str, str]]:
    """The header's sign-out form on the page `user` has open: its action and its fields."""
    element = user.find(marker='sign-out').elements.pop()
    assert isinstance(element, ui.html)
    content = element.content
    form = re.search(r'<form method="post" action="([^"]*)"', content)
    assert form, content
    fields = {html.unescape(n): html.unescape(v)
              for n, v in re.findall(r'<input type="hidden" name="([^"]*)" value="([^"]*)"', content)}
    return html.unescape(form.group(1)), fields


async def sign_out(user: User, *, page: str | None = '/organizations',
                   follow_redirects: bool = False) -> httpx.Response:
    """Open `page` (None: the page already open), then submit its sign-out form as the browser would."""
    if page is not None:
        await user.open(page)
    action, fields = sign_out_form(user)
    return await user.http_client.post(action, data=fields, headers={'origin': 'http://test'},
                                       follow_redirects=follow_redirects)

"""UI tests run the real main.py in NiceGUI's simulated browser, signing in through the demo provider's real flow."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from nicegui.testing import User

PUBLIC_URL = 'http://test'  # the simulated browser's origin


@pytest.fixture(autouse=True)
def portal_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Each test starts from a freshly seeded demo directory of its own."""
    for name in ('OIDC_ISSUER', 'OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET', 'STORAGE_SECRET'):
        monkeypatch.delenv(f'MYPROFILE_{name}', raising=False)
    db = tmp_path / 'var' / 'directory.json'
    monkeypatch.setenv('MYPROFILE_DB', str(db))
    monkeypatch.setenv('MYPROFILE_PUBLIC_URL', PUBLIC_URL)
    monkeypatch.setenv('AUTHLIB_INSECURE_TRANSPORT', '1')  # the simulated origin is plain http://test
    return db


async def sign_in(user: User, subject: str, *, next_path: str = '/organizations',
                  accept_language: str = 'en', expect_path: str | None = None) -> None:
    """Walk the real authorization-code flow: portal -> demo provider's sign-in form -> callback."""
    client = user.http_client
    client.headers['accept-language'] = accept_language
    page = await client.get('/auth/login', params={'next': next_path}, follow_redirects=True)
    assert page.status_code == 200, page.text
    form = re.search(r'<form[^>]*method="post"[^>]*action="([^"]*)"(.*?)</form>', page.text, re.S | re.I)
    assert form, page.text
    fields = {html.unescape(n): html.unescape(v) for n, v in
              re.findall(r'<input type="hidden" name="([^"]*)" value="([^"]*)"', form.group(2))}
    choice = re.search(rf'<button[^>]*name="([^"]*)"[^>]*value="{re.escape(subject)}"', form.group(2))
    assert choice, f'no sign-in button for {subject}'
    fields[choice.group(1)] = subject
    done = await client.post(html.unescape(form.group(1)), data=fields, follow_redirects=True)
    assert done.status_code == 200, done.text
    assert done.url.path == (expect_path or next_path), done.url

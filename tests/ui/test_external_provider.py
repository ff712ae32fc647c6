"""With an external identity provider configured, the demo provider is switched off entirely."""

from __future__ import annotations

from pathlib import Path

import pytest
from nicegui.testing import User


@pytest.fixture
def external_provider(portal_environment: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv('MYPROFILE_OIDC_ISSUER', 'https://login.example.invalid/tenant/v2.0')
    monkeypatch.setenv('MYPROFILE_OIDC_CLIENT_ID', 'portal')
    monkeypatch.setenv('MYPROFILE_OIDC_CLIENT_SECRET', 'secret')
    monkeypatch.setenv('MYPROFILE_STORAGE_SECRET', 'x' * 48)


async def test_demo_provider_and_demo_directory_are_off(external_provider: None, user: User,
                                                        portal_environment: Path) -> None:
    for path in ('/demo-idp/.well-known/openid-configuration', '/demo-idp/authorize', '/demo-idp/jwks'):
        assert (await user.http_client.get(path)).status_code == 404, path
    response = await user.http_client.get('/organizations')
    assert response.headers['location'] == '/auth/login?next=%2Forganizations'
    assert not (portal_environment.parent / 'demo-provider-key.json').exists()

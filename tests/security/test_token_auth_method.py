"""Token endpoint authentication (finding 12): unless configured, the method comes from the discovery document.

Basic first, then post; the OpenID Connect default (`client_secret_basic`) when discovery lists neither or says
nothing. A configured method wins, with a warning when discovery lists others. The choice is logged once, at INFO,
when the discovery document is first read (the first sign-in after start-up).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from services.settings import SettingsError, load_settings
from tests.security.fake_provider import FakeProvider
from tests.security.portal_harness import PortalFactory
from tests.security.test_sign_in_succeeds import assert_signed_in

SIGN_IN_LOGGER = 'ui.relying_party'
BASIC, POST = 'client_secret_basic', 'client_secret_post'


@pytest.fixture
def sign_in_log() -> Iterator[list[logging.LogRecord]]:
    """Every record on the sign-in module's logger, caught at the logger itself."""
    records: list[logging.LogRecord] = []
    handler = logging.Handler(logging.DEBUG)
    handler.emit = records.append  # type: ignore[method-assign]
    logger = logging.getLogger(SIGN_IN_LOGGER)
    previous_level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    yield records
    logger.removeHandler(handler)
    logger.setLevel(previous_level)


async def test_a_provider_advertising_only_post_gets_the_secret_in_the_form_body(
        make_portal: PortalFactory, provider: FakeProvider, sign_in_log: list[logging.LogRecord]):
    provider.settings.advertised_auth_methods = [POST]
    provider.settings.token_auth_method = POST  # and refuses Basic
    portal = await make_portal()  # no method configured

    assert_signed_in(await portal.sign_in())

    assert provider.token_auth_methods == [POST]
    [request] = provider.token_requests
    assert request.authorization_scheme is None  # no Basic header
    assert {'client_id', 'client_secret'} <= request.form_fields
    assert_chosen(sign_in_log, POST, "from the provider's discovery document")


async def test_a_provider_advertising_both_gets_basic(make_portal: PortalFactory, provider: FakeProvider,
                                                      sign_in_log: list[logging.LogRecord]):
    provider.settings.advertised_auth_methods = [POST, BASIC]  # the provider's order does not matter
    portal = await make_portal()

    assert_signed_in(await portal.sign_in())

    assert provider.token_auth_methods == [BASIC]
    [request] = provider.token_requests
    assert request.authorization_scheme == 'basic'
    assert 'client_secret' not in request.form_fields
    assert_chosen(sign_in_log, BASIC, "from the provider's discovery document")


@pytest.mark.parametrize(('advertised', 'configured', 'warned'), [
    ([BASIC], POST, True),
    ([BASIC, POST], POST, False),
    ([POST], BASIC, True),
    (None, POST, False),
], ids=['post-over-advertised-basic', 'post-among-both', 'basic-over-advertised-post', 'post-when-none-listed'])
async def test_a_configured_method_overrides_discovery(make_portal: PortalFactory, provider: FakeProvider,
                                                       sign_in_log: list[logging.LogRecord], *,
                                                       advertised: list[str] | None, configured: str, warned: bool):
    provider.settings.advertised_auth_methods = advertised
    provider.settings.token_auth_method = configured
    portal = await make_portal(token_auth_method=configured)

    assert_signed_in(await portal.sign_in())

    assert provider.token_auth_methods == [configured]
    assert_chosen(sign_in_log, configured, 'MYPROFILE_OIDC_TOKEN_AUTH_METHOD')
    warnings = [r.getMessage() for r in sign_in_log if r.levelno == logging.WARNING]
    if warned:
        [warning] = warnings
        assert configured in warning and repr(advertised[0]) in warning, warning
    else:
        assert warnings == []


@pytest.mark.parametrize(('advertised', 'expected', 'reason'), [
    ([POST], POST, "from the provider's discovery document"),
    ([BASIC, POST], BASIC, "from the provider's discovery document"),
    (None, BASIC, 'does not list its methods'),
    (['private_key_jwt', 'tls_client_auth'], BASIC, "lists neither client_secret_basic nor client_secret_post but "
                                                    "'private_key_jwt', 'tls_client_auth'"),
], ids=['only-post', 'both', 'field-omitted', 'neither-listed'])
async def test_the_chosen_method_is_logged_once_when_discovery_is_first_read(
        make_portal: PortalFactory, provider: FakeProvider, sign_in_log: list[logging.LogRecord], *,
        advertised: list[str] | None, expected: str, reason: str):
    provider.settings.advertised_auth_methods = advertised
    provider.settings.token_auth_method = expected
    portal = await make_portal()

    assert_signed_in(await portal.sign_in())
    assert_signed_in(await portal.sign_in(portal.new_browser()))

    assert provider.token_auth_methods == [expected, expected]
    assert provider.discovery_fetches == 1
    assert_chosen(sign_in_log, expected, reason)


async def test_a_discovery_document_cannot_set_the_method_by_a_client_keyword(
        make_portal: PortalFactory, provider: FakeProvider, sign_in_log: list[logging.LogRecord]):
    """Authlib passes discovery entries to its client as keyword arguments; ours is the one that counts."""
    provider.settings.advertised_auth_methods = [POST]
    provider.settings.token_auth_method = POST
    provider.settings.extra_discovery = {'token_endpoint_auth_method': BASIC}
    portal = await make_portal()

    assert_signed_in(await portal.sign_in())
    assert provider.token_auth_methods == [POST]


def test_the_setting_is_optional_and_still_checked(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.chdir(tmp_path)  # no .env file
    monkeypatch.delenv('MYPROFILE_OIDC_ISSUER', raising=False)
    monkeypatch.delenv('MYPROFILE_OIDC_TOKEN_AUTH_METHOD', raising=False)
    assert load_settings().oidc_token_auth_method is None  # unset: chosen from discovery

    for value, expected in (('', None), ('  ', None), (BASIC, BASIC), (POST, POST), (f' {POST} ', POST)):
        monkeypatch.setenv('MYPROFILE_OIDC_TOKEN_AUTH_METHOD', value)
        assert load_settings().oidc_token_auth_method == expected, value

    monkeypatch.setenv('MYPROFILE_OIDC_TOKEN_AUTH_METHOD', 'private_key_jwt')
    with pytest.raises(SettingsError, match='MYPROFILE_OIDC_TOKEN_AUTH_METHOD'):
        load_settings()


def assert_chosen(records: list[logging.LogRecord], method: str, reason: str) -> None:
    lines = [r.getMessage() for r in records if r.levelno == logging.INFO
             and 'token endpoint authentication:' in r.getMessage()]
    assert len(lines) == 1, lines
    assert f'token endpoint authentication: {method} (' in lines[0], lines[0]
    assert reason in lines[0], lines[0]
    assert 'first sign-in' in lines[0], lines[0]

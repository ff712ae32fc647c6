"""Microsoft Entra multi-tenant: the issuer is a `{tenantid}` template, filled with the token's own `tid`."""

from __future__ import annotations

import logging

import pytest

from tests.security.fake_provider import PROVIDER_URL, SUBJECT, TENANT, FakeProvider
from tests.security.portal_harness import PortalFactory
from tests.security.refusals import assert_sign_in_refused

TEMPLATE = f'{PROVIDER_URL}/{{tenantid}}/v2.0'  # what Entra's /organizations discovery document publishes

# The operator may configure the template itself (as Entra's discovery spells it) or the multi-tenant endpoint.
CONFIGURED_ISSUERS = [pytest.param(TEMPLATE, id='configured-as-template'),
                      pytest.param(f'{PROVIDER_URL}/organizations/v2.0', id='configured-as-organizations')]


@pytest.fixture
def entra(provider: FakeProvider) -> FakeProvider:
    provider.settings.issuer = TEMPLATE  # discovery publishes the template; tokens carry iss with their tid
    provider.settings.response_issuer = None  # Entra sends no RFC 9207 iss parameter
    return provider


@pytest.mark.parametrize('configured_issuer', CONFIGURED_ISSUERS)
async def test_a_token_whose_iss_names_its_own_tenant_is_accepted(make_portal: PortalFactory, entra: FakeProvider,
                                                                  configured_issuer: str):
    portal = await make_portal(issuer=configured_issuer)

    response = await portal.sign_in()

    assert response.headers.get('location') == '/', response.headers.get('location')
    assert (await portal.whoami()).json() == {'subject': SUBJECT}
    assert portal.sessions.started[0].person.issuer == TEMPLATE.replace('{tenantid}', TENANT)


@pytest.mark.parametrize('configured_issuer', CONFIGURED_ISSUERS)
async def test_a_token_whose_iss_names_another_tenant_is_refused(make_portal: PortalFactory, entra: FakeProvider,
                                                                 security_log: list[logging.LogRecord],
                                                                 configured_issuer: str):
    entra.settings.claim_changes = {'iss': TEMPLATE.replace('{tenantid}', 'fabrikam-tenant')}  # tid stays contoso
    portal = await make_portal(issuer=configured_issuer)

    response = await portal.sign_in()

    await assert_sign_in_refused(portal, response, security_log, mentions=('iss', 'tid', 'tenant'))
    assert entra.userinfo_calls == 0


@pytest.mark.parametrize('configured_issuer', CONFIGURED_ISSUERS)
async def test_a_token_without_tid_is_refused(make_portal: PortalFactory, entra: FakeProvider,
                                              security_log: list[logging.LogRecord], configured_issuer: str):
    entra.settings.claim_changes = {'tid': None}
    portal = await make_portal(issuer=configured_issuer)

    response = await portal.sign_in()

    await assert_sign_in_refused(portal, response, security_log, mentions=('iss', 'tid', 'tenant'))

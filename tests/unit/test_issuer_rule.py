"""Which issuers count as ours, including Microsoft Entra's multi-tenant `{tenantid}` template."""

from __future__ import annotations

from services.oidc_issuer import IssuerRule

TEMPLATE = 'https://login.microsoftonline.com/{tenantid}/v2.0'
TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47'


def test_plain_issuer_must_match_exactly() -> None:
    rule = IssuerRule(configured='https://idp.example/realms/a', published='https://idp.example/realms/a')
    assert rule.matches_discovery()
    assert rule.accepts_token({'iss': 'https://idp.example/realms/a'})
    assert not rule.accepts_token({'iss': 'https://idp.example/realms/b'})
    assert not IssuerRule(configured='https://idp.example/realms/a', published='https://evil.example').matches_discovery()


def test_entra_multi_tenant_template_is_filled_with_the_tokens_own_tid() -> None:
    rule = IssuerRule(configured='https://login.microsoftonline.com/organizations/v2.0', published=TEMPLATE)
    assert rule.matches_discovery()
    assert rule.accepts_token({'iss': f'https://login.microsoftonline.com/{TENANT}/v2.0', 'tid': TENANT})
    other = '00000000-0000-0000-0000-000000000001'
    assert not rule.accepts_token({'iss': f'https://login.microsoftonline.com/{other}/v2.0', 'tid': TENANT})
    assert not rule.accepts_token({'iss': f'https://login.microsoftonline.com/{TENANT}/v2.0'})  # no tid
    assert not rule.accepts_token({'iss': TEMPLATE, 'tid': 'tenantid'})  # the unfilled template is never an issuer
    assert not rule.accepts_token({'iss': 'https://login.microsoftonline.com/x/y/v2.0', 'tid': 'x/y'})


def test_template_only_for_a_multi_tenant_endpoint_of_the_configured_host() -> None:
    common = 'https://login.microsoftonline.com/common/v2.0'
    assert IssuerRule(configured=common, published=TEMPLATE).matches_discovery()
    assert not IssuerRule(configured=f'https://login.microsoftonline.com/{TENANT}/v2.0',
                          published=TEMPLATE).matches_discovery()
    assert not IssuerRule(configured='https://evil.example/common/v2.0', published=TEMPLATE).matches_discovery()

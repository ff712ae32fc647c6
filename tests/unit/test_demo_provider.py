"""The demo OpenID Connect provider, driven over HTTP the way a browser and the portal's relying party use it."""

from __future__ import annotations

import ast
import base64
import hashlib
import html
import re
import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import KeySet
from starlette.applications import Starlette

import demo_idp
from demo_idp import DemoProvider, DemoProviderConfig
from demo_idp.i18n import LANGUAGES, catalogue
from demo_idp.web import demo_provider_routes
from services import demo_directory
from services.demo_directory import CONTOSO
from ui import i18n as portal_i18n
from ui.portal_app import provider_accounts

ACCOUNTS = provider_accounts(demo_directory.ACCOUNTS)  # as the portal mounts the provider
PACKAGE = Path(demo_idp.__file__).parent
PORTAL_PACKAGES = frozenset({'ui', 'services', 'data'})

ISSUER = 'http://localhost:8080/demo-idp'
CALLBACK = 'http://localhost:8080/auth/callback'
SIGNED_OUT = 'http://localhost:8080/signed-out'
FORM = {'content-type': 'application/x-www-form-urlencoded'}


class FakeClock:
    def __init__(self) -> None:
        self.now = datetime(2025, 6, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def make_provider(key_path: Path, clock: FakeClock) -> DemoProvider:
    return DemoProvider(DemoProviderConfig(
        issuer=ISSUER, client_id='portal', client_secret='portal-secret', redirect_uris=(CALLBACK,),
        post_logout_redirect_uris=(SIGNED_OUT,), accounts=ACCOUNTS, key_path=key_path), clock=clock)


@pytest.fixture
async def idp(tmp_path: Path, clock: FakeClock):
    app = Starlette(routes=demo_provider_routes(make_provider(tmp_path / 'keys' / 'demo-idp.jwk.json', clock)))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url='http://localhost:8080') as client:
        yield client


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b'=').decode()
    return verifier, challenge


def request_params(challenge: str, **changes: str | None) -> dict[str, str]:
    params = {'client_id': 'portal', 'redirect_uri': CALLBACK, 'response_type': 'code', 'scope': 'openid profile email',
              'state': 'state-123', 'nonce': 'nonce-456', 'code_challenge': challenge, 'code_challenge_method': 'S256'}
    params.update(changes)
    return {name: value for name, value in params.items() if value is not None}


def hidden_fields(page: str) -> list[tuple[str, str]]:
    pairs = re.findall(r'type="hidden" name="([^"]*)" value="([^"]*)"', page)
    return [(html.unescape(name), html.unescape(value)) for name, value in pairs]


def redirect_query(response: httpx.Response) -> dict[str, str]:
    assert response.status_code == 302, response.text
    return {name: values[0] for name, values in parse_qs(urlsplit(response.headers['location']).query).items()}


async def choose(idp: httpx.AsyncClient, fields: list[tuple[str, str]]) -> httpx.Response:
    return await idp.post('/demo-idp/authorize', content=urlencode(fields), headers=FORM)


async def sign_in(idp: httpx.AsyncClient, account: str = 'demo-adele-vance', **changes: str) -> tuple[dict, str]:
    verifier, challenge = pkce()
    page = await idp.get('/demo-idp/authorize', params=request_params(challenge, **changes))
    return redirect_query(await choose(idp, [*hidden_fields(page.text), ('account', account)])), verifier


async def exchange(idp: httpx.AsyncClient, code: str, verifier: str,
                   auth: tuple[str, str] = ('portal', 'portal-secret')) -> httpx.Response:
    data = {'grant_type': 'authorization_code', 'code': code, 'redirect_uri': CALLBACK, 'code_verifier': verifier}
    return await idp.post('/demo-idp/token', data=data, auth=auth)


async def test_discovery_announces_endpoints_and_s256_only(idp):
    metadata = (await idp.get('/demo-idp/.well-known/openid-configuration')).json()
    assert metadata['issuer'] == ISSUER
    assert metadata['token_endpoint'] == f'{ISSUER}/token'
    assert metadata['end_session_endpoint'] == f'{ISSUER}/logout'
    assert metadata['code_challenge_methods_supported'] == ['S256']
    assert metadata['id_token_signing_alg_values_supported'] == ['RS256']
    assert metadata['token_endpoint_auth_methods_supported'] == ['client_secret_basic', 'client_secret_post']
    assert metadata['authorization_response_iss_parameter_supported'] is True
    assert {'tid', 'nonce', 'email'} <= set(metadata['claims_supported'])


async def test_code_flow_issues_an_id_token_that_verifies_against_the_jwks(idp, clock):
    verifier, challenge = pkce()
    page = await idp.get('/demo-idp/authorize', params=request_params(challenge))
    assert page.status_code == 200
    assert 'demo identity provider' in page.text and 'Never use it for real accounts' in page.text
    assert all(account.name in page.text and account.email in page.text for account in ACCOUNTS)
    assert "frame-ancestors 'none'" in page.headers['content-security-policy']
    assert page.headers['cache-control'] == 'no-store' and page.headers['x-frame-options'] == 'DENY'

    callback = redirect_query(await choose(idp, [*hidden_fields(page.text), ('account', 'demo-adele-vance')]))
    assert callback['state'] == 'state-123' and callback['iss'] == ISSUER

    tokens = (await exchange(idp, callback['code'], verifier)).json()
    assert tokens['token_type'] == 'Bearer' and tokens['expires_in'] == 3600
    keys = KeySet.import_key_set((await idp.get('/demo-idp/jwks')).json())
    id_token = jwt.decode(tokens['id_token'], keys, algorithms=['RS256'])
    assert id_token.header['kid'] == keys.keys[0].kid
    now = int(clock.now.timestamp())
    expected = {'iss': ISSUER, 'aud': 'portal', 'sub': 'demo-adele-vance', 'nonce': 'nonce-456', 'tid': CONTOSO.id}
    registry = jwt.JWTClaimsRegistry(now=now, **{name: {'essential': True, 'value': v} for name, v in expected.items()})
    registry.validate(id_token.claims)  # also checks exp and iat against the provider's clock
    assert id_token.claims['auth_time'] == id_token.claims['iat'] == now and id_token.claims['exp'] == now + 3600
    assert id_token.claims['email'] == id_token.claims['preferred_username'] == 'adele.vance@contoso.com'


async def test_client_secret_post_works_as_well_as_basic(idp):
    callback, verifier = await sign_in(idp, account='demo-megan-bowen')
    data = {'grant_type': 'authorization_code', 'code': callback['code'], 'redirect_uri': CALLBACK,
            'code_verifier': verifier, 'client_id': 'portal', 'client_secret': 'portal-secret'}
    response = await idp.post('/demo-idp/token', data=data)
    assert response.status_code == 200 and 'id_token' in response.json()


async def test_userinfo_answers_only_a_valid_bearer_token(idp):
    callback, verifier = await sign_in(idp, account='demo-lidia-holloway')
    token = (await exchange(idp, callback['code'], verifier)).json()['access_token']
    info = await idp.get('/demo-idp/userinfo', headers={'Authorization': f'Bearer {token}'})
    email = 'lidia.holloway@contoso.com'
    assert info.json() == {'sub': 'demo-lidia-holloway', 'name': 'Lidia Holloway', 'email': email,
                           'preferred_username': email, 'tid': CONTOSO.id}
    assert (await idp.get('/demo-idp/userinfo')).status_code == 401
    assert (await idp.get('/demo-idp/userinfo', headers={'Authorization': 'Bearer forged'})).status_code == 401


@pytest.mark.parametrize('changes', [{'client_id': 'stranger'}, {'redirect_uri': 'https://evil.example/cb'},
                                     {'redirect_uri': 'https://evil.example/cb"é'}])
async def test_unknown_client_or_redirect_uri_gets_a_page_never_a_redirect(idp, changes):
    response = await idp.get('/demo-idp/authorize', params=request_params(pkce()[1], **changes))
    assert response.status_code == 400 and 'location' not in response.headers
    assert 'evil.example/cb' not in response.headers.get('content-security-policy', '')


@pytest.mark.parametrize(('changes', 'error'), [
    ({'nonce': None}, 'invalid_request'),
    ({'code_challenge': None, 'code_challenge_method': None}, 'invalid_request'),
    ({'code_challenge_method': 'plain'}, 'invalid_request'),
    ({'scope': 'profile email'}, 'invalid_scope'),
])
async def test_unsafe_requests_are_sent_back_with_an_error(idp, changes, error):
    callback = redirect_query(await idp.get('/demo-idp/authorize', params=request_params(pkce()[1], **changes)))
    assert callback['error'] == error and callback['state'] == 'state-123' and callback['iss'] == ISSUER
    assert 'code' not in callback


async def test_wrong_verifier_or_secret_is_refused(idp):
    callback, _ = await sign_in(idp)
    response = await exchange(idp, callback['code'], pkce()[0])
    assert response.status_code == 400 and response.json()['error'] == 'invalid_grant'
    callback, verifier = await sign_in(idp)
    response = await exchange(idp, callback['code'], verifier, auth=('portal', 'wrong-secret'))
    assert response.status_code == 401 and response.json()['error'] == 'invalid_client'


async def test_a_replayed_code_fails_and_revokes_what_it_bought(idp):
    callback, verifier = await sign_in(idp)
    token = (await exchange(idp, callback['code'], verifier)).json()['access_token']
    replay = await exchange(idp, callback['code'], verifier)
    assert replay.status_code == 400 and replay.json()['error'] == 'invalid_grant'
    assert (await idp.get('/demo-idp/userinfo', headers={'Authorization': f'Bearer {token}'})).status_code == 401


async def test_a_code_expires_after_five_minutes(idp, clock):
    callback, verifier = await sign_in(idp)
    clock.now += timedelta(minutes=5, seconds=1)
    assert (await exchange(idp, callback['code'], verifier)).json()['error'] == 'invalid_grant'


@pytest.mark.parametrize('tamper', ['proof', 'redirect_uri', 'extra'])
async def test_a_tampered_sign_in_form_is_refused(idp, tamper):
    fields = hidden_fields((await idp.get('/demo-idp/authorize', params=request_params(pkce()[1]))).text)
    if tamper == 'extra':
        fields.append(('prompt', 'none'))
    else:
        fields = [(n, v + 'x' if n == tamper else v) for n, v in fields]
    response = await choose(idp, [*fields, ('account', 'demo-adele-vance')])
    assert response.status_code == 400 and 'location' not in response.headers


async def test_an_unknown_account_is_refused(idp):
    fields = hidden_fields((await idp.get('/demo-idp/authorize', params=request_params(pkce()[1]))).text)
    response = await choose(idp, [*fields, ('account', 'demo-mallory')])
    assert response.status_code == 400 and 'location' not in response.headers


async def test_cancel_returns_access_denied_with_state_and_issuer(idp):
    fields = hidden_fields((await idp.get('/demo-idp/authorize', params=request_params(pkce()[1]))).text)
    callback = redirect_query(await choose(idp, [*fields, ('cancel', '1')]))
    assert callback == {'error': 'access_denied', 'state': 'state-123', 'iss': ISSUER,
                        'error_description': callback.get('error_description')}


async def test_markup_in_state_is_escaped_and_returned_intact(idp):
    state = '"><script>alert(1)</script>&'
    page = await idp.get('/demo-idp/authorize', params=request_params(pkce()[1], state=state))
    assert '<script>' not in page.text and '&quot;&gt;&lt;script&gt;' in page.text
    callback = redirect_query(await choose(idp, [*hidden_fields(page.text), ('account', 'demo-adele-vance')]))
    assert callback['state'] == state


async def test_page_language_follows_ui_locales_then_accept_language(idp):
    params = request_params(pkce()[1])
    dutch = await idp.get('/demo-idp/authorize', params=params | {'ui_locales': 'nl-NL en'})
    assert '<html lang="nl">' in dutch.text and 'Kies een demo-account' in dutch.text
    assert 'Heeft een thuisorganisatie en vijf andere organisaties' in dutch.text
    browser = await idp.get('/demo-idp/authorize', params=params, headers={'Accept-Language': 'nl;q=0.9, en;q=0.5'})
    assert '<html lang="nl">' in browser.text
    assert '<html lang="en">' in (await idp.get('/demo-idp/authorize', params=params)).text


async def test_logout_returns_only_to_a_registered_uri(idp):
    back = await idp.get('/demo-idp/logout', params={'post_logout_redirect_uri': SIGNED_OUT, 'state': 's1'})
    assert back.status_code == 302 and back.headers['location'] == f'{SIGNED_OUT}?state=s1'
    page = await idp.get('/demo-idp/logout', params={'post_logout_redirect_uri': 'https://evil.example/'})
    assert page.status_code == 200 and 'You have signed out of the demo identity provider' in page.text


async def test_the_signing_key_persists_with_owner_only_permissions(tmp_path, clock):
    key_path = tmp_path / 'demo-idp.jwk.json'
    first, second = make_provider(key_path, clock), make_provider(key_path, clock)
    assert first.jwks() == second.jwks() and 'd' not in first.jwks()['keys'][0]
    assert key_path.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ['demo-idp.jwk.json']  # no temp file left behind


def test_demo_idp_imports_nothing_from_the_portal() -> None:
    """The provider is its own application: the portal may import it, never the other way round."""
    modules = sorted(PACKAGE.rglob('*.py'))
    assert len(modules) > 10
    for module in modules:
        depth = len(module.relative_to(PACKAGE).parts)  # a relative import of more levels leaves demo_idp
        for node in ast.walk(ast.parse(module.read_text(encoding='utf-8'), str(module))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                assert node.level <= depth, f'{module}:{node.lineno} imports from outside demo_idp'
                names = [node.module or ''] if node.level == 0 else []
            else:
                continue
            assert not {name.split('.')[0] for name in names} & PORTAL_PACKAGES, f'{module}:{node.lineno} {names}'


def test_every_text_and_account_description_exists_in_both_languages() -> None:
    assert catalogue('en').keys() == catalogue('nl').keys()
    assert all(account.description_key in catalogue(language) for account in ACCOUNTS for language in LANGUAGES)
    portal_keys = portal_i18n.catalogue('en').keys() | portal_i18n.catalogue('nl').keys()
    assert not portal_keys & catalogue('en').keys()  # the portal no longer loads the provider's texts

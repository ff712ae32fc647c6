"""Attack review finding 7: another site must not be able to sign a person out.

Sign-out was a plain GET, so any page (an image, a link, a redirect) could end a visitor's session. Now only a
POST from the portal's own origin carrying the page's token signs out; everything else is refused (403), logged
on `myprofile.security`, and the session stays. Driven through the real app in NiceGUI's simulated browser.
"""

from __future__ import annotations

import logging

import pytest
from nicegui.testing import User

from tests.ui.conftest import portal_environment, sign_in  # noqa: F401 (the fixture: a fresh demo directory)
from tests.ui.sign_out import sign_out, sign_out_form

ADELE, MEGAN = 'demo-adele-vance', 'demo-megan-bowen'
EVIL = 'https://evil.example'


async def still_signed_in(user: User) -> bool:
    return (await user.http_client.get('/organizations')).status_code == 200


def refusals(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records
            if r.name == 'myprofile.security' and r.levelno == logging.WARNING and 'sign-out refused' in r.message]


async def test_a_cross_site_get_does_not_sign_out(user: User) -> None:
    await sign_in(user, ADELE)
    # what `<img src="https://portal/auth/logout">` or a link on another site makes the browser send
    response = await user.http_client.get('/auth/logout', headers={'referer': f'{EVIL}/cat.html'})
    assert response.status_code == 405 and response.headers['allow'] == 'POST'
    assert await still_signed_in(user)


async def test_a_cross_site_post_without_the_token_does_not_sign_out(user: User,
                                                                    caplog: pytest.LogCaptureFixture) -> None:
    await sign_in(user, ADELE)
    caplog.set_level(logging.WARNING, logger='myprofile.security')
    # what an auto-submitting `<form method="post" action="https://portal/auth/logout">` on another site sends
    response = await user.http_client.post('/auth/logout', data={}, headers={'origin': EVIL})
    assert response.status_code == 403
    assert await still_signed_in(user)
    assert refusals(caplog) and "another origin 'https://evil.example'" in refusals(caplog)[0]


async def test_a_post_without_the_right_token_or_from_elsewhere_is_refused(user: User,
                                                                           caplog: pytest.LogCaptureFixture) -> None:
    await sign_in(user, ADELE)
    await user.open('/organizations')
    action, fields = sign_out_form(user)
    caplog.set_level(logging.WARNING, logger='myprofile.security')
    attempts = [
        ({}, {'origin': 'http://test'}),  # no token, own origin
        ({}, {}),  # no token, no Origin header
        ({'csrf_token': fields['csrf_token'][:-2] + 'xx'}, {}),  # a wrong token
        ({'csrf_token': ''}, {'origin': 'http://test'}),
        (fields, {'origin': EVIL}),  # the right token, from another origin
        (fields, {'origin': 'null'}),  # a sandboxed frame or a data: page
    ]
    for data, headers in attempts:
        response = await user.http_client.post(action, data=data, headers=headers)
        assert response.status_code == 403, (data, headers)
        assert await still_signed_in(user), (data, headers)
    assert len(refusals(caplog)) == len(attempts)
    assert fields['csrf_token'] not in caplog.text  # the token itself is never logged


async def test_another_session_s_token_does_not_sign_out(user: User, create_user) -> None:
    megan = create_user()
    await sign_in(megan, MEGAN)
    await megan.open('/organizations')
    _, megans_fields = sign_out_form(megan)
    await sign_in(user, ADELE)
    response = await user.http_client.post('/auth/logout', data=megans_fields, headers={'origin': 'http://test'})
    assert response.status_code == 403
    assert await still_signed_in(user)


async def test_the_header_s_sign_out_form_signs_out(user: User) -> None:
    await sign_in(user, ADELE)
    await user.open('/organizations')
    action, fields = sign_out_form(user)
    assert action == '/auth/logout' and set(fields) == {'csrf_token'}
    element = user.find(marker='sign-out').elements.pop()
    assert 'aria-label="Sign out"' in element.content and 'type="submit"' in element.content
    response = await sign_out(user, page=None)
    assert response.status_code == 303  # on to the provider's end-session endpoint, which returns to /signed-out
    assert response.headers['location'].startswith('http://test/demo-idp/logout?')
    assert 'post_logout_redirect_uri=http%3A%2F%2Ftest%2Fsigned-out' in response.headers['location']
    assert not await still_signed_in(user)
    # the form's token was this session's: posting it again (or after signing in anew) ends nothing
    await sign_in(user, ADELE)
    replayed = await user.http_client.post(action, data=fields, headers={'origin': 'http://test'})
    assert replayed.status_code == 403
    assert await still_signed_in(user)


async def test_a_post_without_a_session_just_lands_on_the_signed_out_page(user: User) -> None:
    response = await user.http_client.post('/auth/logout', data={}, headers={'origin': 'http://test'})
    assert response.status_code == 303 and response.headers['location'] == '/signed-out'

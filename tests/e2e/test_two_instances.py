"""Two portal instances on one PostgreSQL database and one Redis, in Chromium: a session started through one is
valid on the other, a leave in a tab of one disappears live from a tab of the other, sign-out through one sends
the other's open page away, and a restarted instance signs nobody out.

The browser reaches each instance on its own port (cookies are per host, not per port, so both see the same
session cookie), as a reverse proxy would route two people to two instances.
"""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import BrowserContext, expect

from services.demo_directory import FABRIKAM, WOODGROVE
from tests.e2e.pages import ADELE, guest_card, leave_button, sign_in
from tests.e2e.scaled import open_on, start

pytest_plugins = ('tests.data.postgres_fixtures', 'tests.data.redis_fixtures', 'tests.e2e.scaled_fixtures')


def test_two_instances_share_sessions_and_live_changes(shared_settings: dict[str, str], tmp_path: Path,
                                                       context: BrowserContext) -> None:
    with start(tmp_path / 'a', shared_settings) as first, start(tmp_path / 'b', shared_settings) as second:
        on_first = context.new_page()
        sign_in(on_first, first.url, ADELE)  # through the first instance (and its demo provider)
        on_second = open_on(context, second)  # the second knows the session: no sign-in asked
        expect(on_second.get_by_role('heading', level=1)).to_have_text('Organizations')
        expect(guest_card(on_second, FABRIKAM.name)).to_be_visible()

        leave_button(on_first, FABRIKAM.name).click()
        on_first.get_by_role('button', name=f'Leave {FABRIKAM.name}', exact=True).click()
        expect(guest_card(on_first, FABRIKAM.name)).to_have_count(0)
        expect(guest_card(on_second, FABRIKAM.name)).to_have_count(0)  # the other instance's tab, live

        on_first.get_by_role('button', name='Sign out').click()
        expect(on_second).to_have_url(f'{second.url}/signed-out', timeout=5000)  # sent away on the other instance


def test_a_restarted_instance_signs_nobody_out(shared_settings: dict[str, str], tmp_path: Path,
                                              context: BrowserContext) -> None:
    with start(tmp_path / 'a', shared_settings) as first:
        page = context.new_page()
        sign_in(page, first.url, ADELE)
    with start(tmp_path / 'a-again', shared_settings) as restarted:  # a new process, another port: nothing in memory
        again = open_on(context, restarted)
        expect(again.get_by_role('heading', level=1)).to_have_text('Organizations')
        expect(guest_card(again, WOODGROVE.name)).to_be_visible()

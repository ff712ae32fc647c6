"""Open pages follow changes made elsewhere, without a reload: another tab, or an administrator's import."""

from __future__ import annotations

import json
from pathlib import Path

from playwright.sync_api import BrowserContext, Page, expect

from services.demo_directory import FABRIKAM, WOODGROVE
from tests.e2e.conftest import Portal
from tests.e2e.pages import (
    ADELE,
    MEGAN,
    NO_OTHERS,
    card_heading,
    card_headings,
    expect_same_document,
    leave_button,
    leave_dialog,
    open_page,
    others_section,
    remember_this_document,
    sign_in,
)


def test_leaving_in_one_tab_removes_the_card_in_the_other(portal: Portal, context: BrowserContext,
                                                           page: Page) -> None:
    sign_in(page, portal.url, ADELE)
    other_tab = open_page(context, f'{portal.url}/organizations')
    expect(card_heading(other_tab, FABRIKAM.name)).to_be_visible()
    remember_this_document(other_tab)

    page.bring_to_front()  # back to the first tab (a tab in the background gets no animation frames)
    leave_button(page, FABRIKAM.name).click()
    leave_dialog(page).get_by_role('button', name=f'Leave {FABRIKAM.name}', exact=True).click()
    expect(card_heading(page, FABRIKAM.name)).to_have_count(0)

    expect(card_heading(other_tab, FABRIKAM.name)).to_have_count(0, timeout=1_000)
    expect(card_headings(others_section(other_tab))).to_have_count(4)
    expect_same_document(other_tab)


def test_an_administrators_import_shows_up_in_the_open_page(portal: Portal, page: Page, tmp_path: Path) -> None:
    sign_in(page, portal.url, MEGAN)
    expect(others_section(page)).to_contain_text(NO_OTHERS)
    remember_this_document(page)
    invitation = tmp_path / 'invitation.json'
    invitation.write_text(json.dumps({'memberships': [{'subject': MEGAN.subject, 'organization': WOODGROVE.id}]}))

    result = portal.run_command('import', str(invitation))

    assert result.returncode == 0, result.stdout + result.stderr
    expect(card_headings(others_section(page))).to_have_text([WOODGROVE.name], timeout=2_000)
    expect(leave_button(page, WOODGROVE.name)).to_be_visible()
    expect(others_section(page)).not_to_contain_text(NO_OTHERS)
    expect_same_document(page)


def test_a_change_elsewhere_leaves_an_open_dialog_and_the_focus_alone(portal: Portal, context: BrowserContext,
                                                                      page: Page) -> None:
    sign_in(page, portal.url, ADELE)
    other_tab = open_page(context, f'{portal.url}/organizations')
    woodgrove_card = f'document.querySelector(`[data-org-id="{WOODGROVE.id}"]`)'
    other_tab.evaluate(f'{woodgrove_card}.e2eTag = "same element"')
    leave_button(other_tab, WOODGROVE.name).focus()
    other_tab.keyboard.press('Enter')  # the second tab is in the middle of deciding about Woodgrove Bank
    expect(leave_dialog(other_tab)).to_be_visible()

    page.bring_to_front()
    leave_button(page, FABRIKAM.name).click()
    leave_dialog(page).get_by_role('button', name=f'Leave {FABRIKAM.name}', exact=True).click()

    expect(card_heading(other_tab, FABRIKAM.name)).to_have_count(0, timeout=1_000)
    expect(leave_dialog(other_tab)).to_be_visible()  # still open, still about Woodgrove Bank
    expect(leave_dialog(other_tab).get_by_role('heading')).to_have_text(f'Leave {WOODGROVE.name}?')
    assert other_tab.evaluate(f'{woodgrove_card}.e2eTag') == 'same element'  # the very DOM node: not re-rendered
    other_tab.bring_to_front()
    other_tab.keyboard.press('Escape')
    expect(leave_dialog(other_tab)).to_be_hidden()
    expect(leave_button(other_tab, WOODGROVE.name)).to_be_focused()  # focus came back to the card's own button

"""Leaving an organization: an in-page confirmation first, and only Leave changes anything."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, StorageState, expect

from services.demo_directory import FABRIKAM, LITWARE, NORTHWIND, TAILSPIN, WOODGROVE
from tests.e2e.conftest import Portal
from tests.e2e.pages import (
    ADELE,
    card_heading,
    card_headings,
    leave_button,
    leave_buttons,
    leave_dialog,
    open_leave_dialog,
    open_page,
    others_section,
    screenshot,
    sign_in,
    wait_until_live,
)


@pytest.fixture
def organizations(shared_portal: Portal, adele: StorageState, new_context: Callable[..., BrowserContext]) -> Page:
    return open_page(new_context(storage_state=adele), f'{shared_portal.url}/organizations')


def test_the_dialog_names_the_organization_and_warns(organizations: Page, tmp_path: Path) -> None:
    page = organizations
    screenshot(page, tmp_path, 'organizations')
    dialog = open_leave_dialog(page, FABRIKAM.name)
    expect(dialog.get_by_role('heading')).to_have_text(f'Leave {FABRIKAM.name}?')
    expect(dialog).to_contain_text(f"Leaving can't be undone. To get back, {FABRIKAM.name} has to invite you again.")
    expect(dialog.get_by_role('button', name='Cancel', exact=True)).to_be_visible()
    expect(dialog.get_by_role('button', name=f'Leave {FABRIKAM.name}', exact=True)).to_be_visible()
    expect(dialog.locator(':focus')).to_have_count(1)  # focus moved into the dialog
    screenshot(page, tmp_path, 'leave-dialog')


def test_escape_closes_the_dialog_and_changes_nothing(organizations: Page) -> None:
    page = organizations
    open_leave_dialog(page, TAILSPIN.name)
    page.keyboard.press('Escape')
    expect(leave_dialog(page)).to_be_hidden()
    expect(card_heading(page, TAILSPIN.name)).to_be_visible()
    page.reload()
    expect(card_heading(page, TAILSPIN.name)).to_be_visible()


def test_escape_returns_focus_to_the_leave_button(organizations: Page) -> None:
    page = organizations
    open_leave_dialog(page, FABRIKAM.name)
    page.keyboard.press('Escape')
    expect(leave_dialog(page)).to_be_hidden()
    expect(leave_button(page, FABRIKAM.name)).to_be_focused(timeout=2_000)  # after the closing transition


def test_cancel_closes_the_dialog_and_changes_nothing(organizations: Page) -> None:
    page = organizations
    dialog = open_leave_dialog(page, TAILSPIN.name)
    dialog.get_by_role('button', name='Cancel', exact=True).click()
    expect(leave_dialog(page)).to_be_hidden()
    expect(card_heading(page, TAILSPIN.name)).to_be_visible()
    expect(page.get_by_role('alert')).to_have_count(0)
    page.reload()
    expect(card_heading(page, TAILSPIN.name)).to_be_visible()


def test_leave_removes_the_card_confirms_and_persists(portal: Portal, page: Page, tmp_path: Path) -> None:
    sign_in(page, portal.url, ADELE)
    leave_button(page, WOODGROVE.name).click()
    dialog = leave_dialog(page)
    expect(dialog).to_contain_text(f'Leave {WOODGROVE.name}?')
    dialog.get_by_role('button', name=f'Leave {WOODGROVE.name}', exact=True).click()
    expect(dialog).to_be_hidden()
    expect(card_heading(page, WOODGROVE.name)).to_have_count(0)
    expect(page.get_by_role('alert').filter(has_text=f'You left {WOODGROVE.name}')).to_be_visible()
    remaining = [FABRIKAM.name, LITWARE.name, NORTHWIND.name, TAILSPIN.name]
    expect(card_headings(others_section(page))).to_have_text(remaining)
    screenshot(page, tmp_path, 'organizations-after-leave')

    page.reload()
    wait_until_live(page)
    expect(card_headings(others_section(page))).to_have_text(remaining)
    expect(leave_buttons(page)).to_have_count(2)  # Litware and Northwind: only by request

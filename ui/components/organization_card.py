"""One organization as a card: what it is, how to reach it, and (for guest ones) the way out."""

from __future__ import annotations

from collections.abc import Callable

from nicegui import ui

from services.organizations import Organization
from ui.accessible import heading, named
from ui.i18n import Translator, format_date


def organization_card(t: Translator, organization: Organization, *, home: bool, joined: str | None = None,
                      on_leave: Callable[[Organization], object] | None = None) -> ui.card:
    with ui.card().classes('portal-card w-full').mark('home-card' if home else 'guest-card') as card:
        card.props['data-org-id'] = organization.id
        with ui.row().classes('items-center gap-3 no-wrap'):
            ui.icon('domain' if home else 'business', size='md').classes('portal-org-icon').props('aria-hidden=true')
            with ui.column().classes('gap-0'):
                heading(organization.name, 3).classes('portal-org-name')
                if organization.domain:
                    ui.label(organization.domain).classes('portal-muted')
        with ui.element('dl').classes('portal-facts'):
            _fact(t('org.id'), lambda: _copyable_id(t, organization.id))
            if joined:
                _fact(t('org.joined'), lambda: ui.label(format_date(joined, t.language)))
            if organization.privacy_url and organization.privacy_url.startswith(('https://', 'http://')):
                _fact(t('org.privacy'), lambda: ui.link(t('org.privacy_link'), organization.privacy_url, new_tab=True))
            if organization.contact:
                _fact(t('org.contact'), lambda: _contact(organization.contact or ''))
        if home:
            with ui.row().classes('portal-note items-start no-wrap gap-2'):
                ui.icon('lock', size='sm').props('aria-hidden=true')
                ui.label(t('org.home_explanation'))
        elif on_leave is not None:
            with ui.row().classes('w-full justify-end'):
                named(ui.button(t('org.leave'), icon='logout', on_click=lambda: on_leave(organization)),
                      t('org.leave_named', name=organization.name)) \
                    .props('outline no-caps color=negative').classes('portal-leave').mark('leave-button')
    return card


def _fact(term: str, describe: Callable[[], object]) -> None:
    with ui.element('div').classes('portal-fact'):
        with ui.element('dt'):
            ui.label(term)
        with ui.element('dd'):
            describe()


def _copyable_id(t: Translator, org_id: str) -> None:
    with ui.row().classes('items-center gap-1 no-wrap'):
        ui.label(org_id).classes('portal-mono')
        named(ui.button(icon='content_copy', on_click=lambda: _copy(t, org_id)), t('org.copy_id'))\
            .props('flat round dense size=sm color=primary')


def _copy(t: Translator, org_id: str) -> None:
    ui.clipboard.write(org_id)
    ui.notify(t('org.copied'), type='positive')


def _contact(contact: str) -> None:
    if '@' in contact and ' ' not in contact:
        ui.link(contact, f'mailto:{contact}')
    else:
        ui.label(contact)

"""One organization as a card: what it is, how to reach it, and (for guest ones) the way out.

A card is three elements: the card, one block of escaped HTML for everything that is only read (name as a real
`h3`, domain, the description list, the home note) and, on guest cards, the Leave button, the only part that talks
to the server. The copy button inside the description list is plain HTML handled in the browser by
`/assets/portal.js`, so copying costs no server round trip. A card shows a newer version of its organization by
replacing that one block of HTML in place; the Leave button and any focus on it stay.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from nicegui import ui

from services.organizations import ACTIVE, DISABLED, GuestOrganization, Organization
from ui.i18n import Translator, format_date

LeaveHandler = Callable[[Organization], object]


class OrganizationCard:
    """The home organization's card (an `Organization`, no Leave) or a guest one's (a `GuestOrganization`)."""

    def __init__(self, t: Translator, item: Organization | GuestOrganization, *,
                 on_leave: LeaveHandler | None = None) -> None:
        self._t = t
        self._guest = _as_guest(item)
        home = on_leave is None
        with ui.card().classes('portal-card w-full').mark('home-card' if home else 'guest-card') as self.element:
            self.element.props['data-org-id'] = self._guest.organization.id
            self._summary = ui.html(card_html(t, self._guest, home=home), sanitize=False)
            self._leave: ui.button | None = None
            if on_leave is not None:
                self._leave = ui.button(t('org.leave'), icon='logout',
                                        on_click=lambda: on_leave(self._guest.organization)) \
                    .props('outline no-caps color=negative').classes('portal-leave').mark('leave-button')
                self._leave.props['aria-label'] = t('org.leave_named', name=self._guest.organization.name)
                self._leave.visible = self._guest.state == ACTIVE

    def show(self, item: Organization | GuestOrganization) -> None:
        """Show a newer version of the same organization, in place."""
        self._guest = _as_guest(item)
        self._summary.set_content(card_html(self._t, self._guest, home=self._leave is None))
        if self._leave is not None:
            self._leave.props['aria-label'] = self._t('org.leave_named', name=self._guest.organization.name)
            self._leave.visible = self._guest.state == ACTIVE  # a disabled membership is not the person's to leave
            self._leave.update()


def _as_guest(item: Organization | GuestOrganization) -> GuestOrganization:
    return item if isinstance(item, GuestOrganization) else GuestOrganization(organization=item, joined=None)


def card_html(t: Translator, guest: GuestOrganization, *, home: bool) -> str:
    """The read-only part of a card; every value from the directory is escaped here and nowhere else."""
    org = guest.organization
    domain = f'<p class="portal-muted portal-org-domain">{_text(org.domain)}</p>' if org.domain else ''
    facts = [_fact(t('org.id'), f'<span class="portal-mono">{_text(org.id)}</span>{_copy_button(t, org.id)}')]
    if guest.joined:
        facts.append(_fact(t('org.joined'), _text(format_date(guest.joined, t.language))))
    if org.privacy_url and org.privacy_url.startswith(('https://', 'http://')):
        facts.append(_fact(t('org.privacy'), f'<a href="{_attr(org.privacy_url)}" target="_blank" '
                                             f'rel="noopener noreferrer">{_text(t("org.privacy_link"))}</a>'))
    if org.privacy_contact:
        facts.append(_fact(t('org.privacy_contact'), _contact(org.privacy_contact)))
    explanation = 'org.home_explanation' if home else 'org.disabled_explanation' if guest.state == DISABLED else ''
    note = (f'<p class="portal-note">{_icon("lock")}<span>{_text(t(explanation))}</span></p>'
            if explanation else '')
    return (f'<div class="portal-org-head">{_icon("domain" if home else "business", "portal-org-icon")}'
            f'<div><h3 class="portal-org-name">{_text(org.name)}</h3>{domain}</div></div>'
            f'<dl class="portal-facts">{"".join(facts)}</dl>{note}')


def _fact(term: str, description_html: str) -> str:
    return f'<div class="portal-fact"><dt>{_text(term)}</dt><dd>{description_html}</dd></div>'


def _copy_button(t: Translator, org_id: str) -> str:
    return (f'<button type="button" class="portal-copy" data-copy-text="{_attr(org_id)}" '
            f'data-copied="{_attr(t("org.copied"))}" data-copy-failed="{_attr(t("org.copy_failed"))}" '
            f'aria-label="{_attr(t("org.copy_id"))}" title="{_attr(t("org.copy_id"))}">'
            f'{_icon("content_copy")}</button>')


def _contact(contact: str) -> str:
    if '@' in contact and not any(c.isspace() for c in contact):
        return f'<a href="mailto:{_attr(contact)}">{_text(contact)}</a>'
    return _text(contact)


def _icon(name: str, extra_class: str = '') -> str:
    return f'<i class="q-icon notranslate material-icons {extra_class}" aria-hidden="true">{name}</i>'


def _text(value: str) -> str:
    return escape(value, quote=False)


def _attr(value: str) -> str:
    return escape(value, quote=True)

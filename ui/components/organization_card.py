"""One organization as a card: what it is, how to reach it, and (for guest ones) the way out.

A card is three elements: the card, one block of escaped HTML for everything that is only read (name as a real
`h3`, domain, the description list, the notes) and, on guest cards, one action button, the only part that talks
to the server: Leave where the person may leave on their own, else Request removal (none while a request is
open). The copy button inside the description list is plain HTML handled in the browser by `/assets/portal.js`,
so copying costs no server round trip. A newer version of the organization replaces the HTML block in place; the
button stays, and so does focus on it.
"""

from __future__ import annotations

from collections.abc import Callable

from nicegui import ui

from services.organizations import GuestOrganization, Organization
from ui.components.html_parts import attr, contact, fact, icon, is_email, text
from ui.i18n import Translator, format_date

OrganizationHandler = Callable[[Organization], object]
LEAVE, REQUEST = 'leave', 'request'
BLOCK_TEXT = {'by_request': 'blocked.by_request', 'no_privacy': 'blocked.no_privacy', 'disabled': 'blocked.disabled'}


class OrganizationCard:
    """The home organization's card (an `Organization`, no action) or a guest one's (a `GuestOrganization`)."""

    def __init__(self, t: Translator, item: Organization | GuestOrganization, *,
                 on_leave: OrganizationHandler | None = None, on_request: OrganizationHandler | None = None) -> None:
        self._t = t
        self._guest = _as_guest(item)
        self._on_leave, self._on_request = on_leave, on_request
        home = on_leave is None
        with ui.card().classes('portal-card w-full').mark('home-card' if home else 'guest-card') as self.element:
            self.element.props['data-org-id'] = self._guest.organization.id
            self._summary = ui.html(card_html(t, self._guest, home=home), sanitize=False)
            self._action: ui.button | None = None
            if not home:
                self._action = ui.button(on_click=self._act).props('outline no-caps')
                self._show_action()

    def show(self, item: Organization | GuestOrganization) -> None:
        """Show a newer version of the same organization, in place."""
        self._guest = _as_guest(item)
        self._summary.set_content(card_html(self._t, self._guest, home=self._action is None))
        if self._action is not None:
            self._show_action()
            self._action.update()

    def _mode(self) -> str | None:
        guest = self._guest
        if guest.leave_block is None:
            return LEAVE
        request = guest.removal_request
        return None if request is not None and request.state == 'open' else REQUEST

    def _show_action(self) -> None:
        """Leave, or Request removal, or nothing while a request waits: the same element changes its face."""
        assert self._action is not None
        action, t, name = self._action, self._t, self._guest.organization.name
        mode = self._mode()
        leave = mode == LEAVE
        action.text = t('org.leave') if leave else t('blocked.request_removal')
        action.props['icon'] = 'logout' if leave else 'outgoing_mail'
        action.props['color'] = 'negative' if leave else 'primary'
        action.props['aria-label'] = t('org.leave_named', name=name) if leave else \
            t('blocked.request_removal_named', name=name)
        action.classes(remove='portal-leave portal-request-removal',
                       add='portal-leave' if leave else 'portal-request-removal')
        action.mark('leave-button' if leave else 'request-removal')
        action.visible = mode is not None  # after the classes: NiceGUI hides an element with a class of its own

    def _act(self) -> object:
        organization = self._guest.organization
        if self._mode() == LEAVE and self._on_leave is not None:
            return self._on_leave(organization)
        if self._mode() == REQUEST and self._on_request is not None:
            return self._on_request(organization)
        return None


def _as_guest(item: Organization | GuestOrganization) -> GuestOrganization:
    return item if isinstance(item, GuestOrganization) else GuestOrganization(organization=item, joined=None)


def card_html(t: Translator, guest: GuestOrganization, *, home: bool) -> str:
    """The read-only part of a card; every value from the directory is escaped here and nowhere else."""
    org = guest.organization
    domain = f'<p class="portal-muted portal-org-domain">{text(org.domain)}</p>' if org.domain else ''
    facts = [fact(t('org.id'), f'<span class="portal-mono">{text(org.id)}</span>{_copy_button(t, org.id)}')]
    if guest.joined:
        facts.append(fact(t('org.joined'), text(format_date(guest.joined, t.language))))
    if org.privacy_url and org.privacy_url.startswith(('https://', 'http://')):
        facts.append(fact(t('org.privacy'), f'<a href="{attr(org.privacy_url)}" target="_blank" '
                                             f'rel="noopener noreferrer">{text(t("org.privacy_link"))}</a>'))
    if org.privacy_contact:
        facts.append(fact(t('org.contact'), contact(org.privacy_contact)))
    note = _note('lock', text(t('org.home_explanation'))) if home else _blocked_note(t, guest)
    return (f'<div class="portal-org-head">{icon("domain" if home else "business", "portal-org-icon")}'
            f'<div><h3 class="portal-org-name">{text(org.name)}</h3>{domain}</div></div>'
            f'<dl class="portal-facts">{"".join(facts)}</dl>{note}')


def _blocked_note(t: Translator, guest: GuestOrganization) -> str:
    """Why this guest cannot leave on their own, whom to ask, and where their removal request stands."""
    if guest.leave_block is None:
        return ''
    org, name = guest.organization, guest.organization.name
    lines = [text(t(BLOCK_TEXT.get(guest.leave_block, 'blocked.no_privacy'), name=name))]
    if org.privacy_contact and is_email(org.privacy_contact):  # the Contact line above has the mail link
        lines.append(text(t('blocked.ask_contact_above', name=name)))
    request = guest.removal_request
    if request is not None and request.state == 'open':
        lines.append(text(t('blocked.requested_on', name=name, date=format_date(request.created, t.language))))
    elif request is not None and request.state == 'declined':
        lines.append(text(t('blocked.declined_on', name=name, answer=request.answer or '',
                             date=format_date(request.answered_at or request.created, t.language))))
    return _note('info', ' '.join(lines), extra_class='portal-blocked')


def _note(icon_name: str, html_text: str, *, extra_class: str = '') -> str:
    return f'<p class="portal-note {extra_class}">{icon(icon_name)}<span>{html_text}</span></p>'


def _copy_button(t: Translator, org_id: str) -> str:
    return (f'<button type="button" class="portal-copy" data-copy-text="{attr(org_id)}" '
            f'data-copied="{attr(t("org.copied"))}" data-copy-failed="{attr(t("org.copy_failed"))}" '
            f'aria-label="{attr(t("org.copy_id"))}" title="{attr(t("org.copy_id"))}">'
            f'{icon("content_copy")}</button>')

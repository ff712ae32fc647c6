"""One pending invitation: which organization, who invited, until when, and Accept or Decline.

Like the organization cards, a card is the card, one block of escaped HTML and its two buttons.
"""

from __future__ import annotations

from collections.abc import Callable

from nicegui import ui

from services.invitations import InvitationView
from ui.components.html_parts import icon, text
from ui.i18n import Translator, format_date

InvitationHandler = Callable[[InvitationView], object]


class InvitationCard:
    def __init__(self, t: Translator, view: InvitationView, *, on_accept: InvitationHandler,
                 on_decline: InvitationHandler) -> None:
        self._t = t
        self._view = view
        with ui.card().classes('portal-card portal-invitation w-full').mark('invitation-card') as self.element:
            self.element.props['data-invitation-id'] = view.invitation.id
            self._summary = ui.html(invitation_html(t, view), sanitize=False)
            with ui.row().classes('w-full justify-end gap-2'):
                self._decline = ui.button(t('invitation.decline'), on_click=lambda: on_decline(self._view)) \
                    .props('flat no-caps color=primary').mark('invitation-decline')
                self._accept = ui.button(t('invitation.accept'), icon='check', on_click=lambda: on_accept(self._view)) \
                    .props('no-caps unelevated color=primary').mark('invitation-accept')
        self._name_buttons()

    def show(self, view: InvitationView) -> None:
        self._view = view
        self._summary.set_content(invitation_html(self._t, view))
        self._name_buttons()

    def _name_buttons(self) -> None:
        name = self._view.organization.name
        self._accept.props['aria-label'] = self._t('invitation.accept_named', name=name)
        self._decline.props['aria-label'] = self._t('invitation.decline_named', name=name)
        self._accept.update()
        self._decline.update()


def invitation_html(t: Translator, view: InvitationView) -> str:
    org, invitation = view.organization, view.invitation
    domain = f'<p class="portal-muted portal-org-domain">{text(org.domain)}</p>' if org.domain else ''
    invited = t('invitation.invited_by', inviter=view.invited_by, date=format_date(invitation.created, t.language))
    expires = t('invitation.expires', date=format_date(invitation.expires, t.language))
    return (f'<div class="portal-org-head">{icon("mark_email_unread", "portal-org-icon")}<div>'
            f'<h3 class="portal-org-name">{text(org.name)}</h3>{domain}</div></div>'
            f'<p class="portal-invitation-text">{text(invited)} {text(expires)}</p>')

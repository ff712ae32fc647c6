"""One organization's privacy information as a card: where its privacy statement is and whom to ask.

A card is two elements, the card and one block of escaped HTML, since nothing on it talks to the server. What the
organization has not published is said in a plain sentence, separately for the statement and the contact, so the
person knows which of the two to ask for.
"""

from __future__ import annotations

from nicegui import ui

from services.organizations import Organization
from ui.components.html_parts import attr, contact, fact, icon, text
from ui.i18n import Translator


class PrivacyCard:
    def __init__(self, t: Translator, organization: Organization, *, home: bool) -> None:
        self._t = t
        self._home = home
        with ui.card().classes('portal-card w-full').mark('privacy-card') as self.element:
            self.element.props['data-org-id'] = organization.id
            self._summary = ui.html(privacy_html(t, organization, home=home), sanitize=False)

    def show(self, organization: Organization) -> None:
        """Show a newer version of the same organization (renamed, or its privacy information changed), in place."""
        self._summary.set_content(privacy_html(self._t, organization, home=self._home))


def privacy_html(t: Translator, org: Organization, *, home: bool) -> str:
    """The card's content; every value from the directory is escaped here and nowhere else."""
    domain = f'<p class="portal-muted">{text(org.domain)}</p>' if org.domain else ''
    head = (f'<div class="portal-org-head">{icon("domain" if home else "business", "portal-org-icon")}'
            f'<div><h3 class="portal-org-name">{text(org.name)}</h3>{domain}</div></div>')
    statement, address = statement_url(org), org.privacy_contact
    if not statement and not address:
        none = text(t('privacy.none', name=org.name))
        return f'{head}<p class="portal-note">{icon("info")}<span>{none}</span></p>'
    if statement:
        more = text(t('privacy.statement_link_more', name=org.name))  # for those who reach the link on its own
        statement_html = (f'<a class="portal-external" href="{attr(statement)}" target="_blank" '
                          f'rel="noopener noreferrer">{text(t("privacy.statement_link"))}'
                          f'<span class="portal-visually-hidden"> {more}</span>{icon("open_in_new")}</a>')
    else:
        statement_html = _missing(t('privacy.no_statement', name=org.name))
    contact_html = contact(address) if address else _missing(t('privacy.no_contact', name=org.name))
    return (head + '<dl class="portal-facts">' + fact(t('privacy.statement'), statement_html) +
            fact(t('privacy.contact'), contact_html) + '</dl>')


def statement_url(org: Organization) -> str | None:
    """Only a web address is a link: anything else in the directory (`javascript:`, a file path) is not shown."""
    url = (org.privacy_url or '').strip()
    return url if url.lower().startswith(('https://', 'http://')) else None


def _missing(sentence: str) -> str:
    return f'<span class="portal-privacy-missing">{text(sentence)}</span>'

"""Pieces of the escaped HTML the cards are made of: every value from the directory passes through here.

Cards render their read-only part as one HTML block (one element instead of a dozen), so the escaping that
NiceGUI's labels would do is done here, once: text is escaped for element content, attributes for quotes too.
"""

from __future__ import annotations

from html import escape


def text(value: str) -> str:
    return escape(value, quote=False)


def attr(value: str) -> str:
    return escape(value, quote=True)


def icon(name: str, extra_class: str = '') -> str:
    """A Material icon that assistive technology skips (its meaning is in the text beside it)."""
    return f'<i class="q-icon notranslate material-icons {extra_class}" aria-hidden="true">{name}</i>'


def fact(term: str, description_html: str) -> str:
    """One term and its description in a card's description list."""
    return f'<div class="portal-fact"><dt>{text(term)}</dt><dd>{description_html}</dd></div>'


def is_email(contact: str) -> bool:
    return '@' in contact and not any(c.isspace() for c in contact)


def contact(value: str) -> str:
    """A privacy contact: a mail link when it is an address, else plain text."""
    if is_email(value):
        return f'<a href="mailto:{attr(value)}">{text(value)}</a>'
    return text(value)

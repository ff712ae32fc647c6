"""One person's action from an open page: re-check the session, run the service off the event loop, say the outcome.

Every button that changes something (leave, request removal, accept or decline an invitation) goes through here,
so each one re-checks at the moment it runs that the session that built the page is still valid and still the
same person's, and turns every typed refusal into the same kind of plain message.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TypeVar

from nicegui import run, ui

from services.errors import NotSignedIn, PortalError
from services.sessions import SessionStore
from ui.open_page import OpenPage

R = TypeVar('R')


async def act(page: OpenPage, sessions: SessionStore, call: Callable[[], R], *, name: str,
              return_to: str = '/organizations') -> R | None:
    """`call()`'s result, or None when refused (the page has said why). `name` fills the messages' {name}."""
    try:
        current = sessions.get(page.session_id)  # signed out or expired since the page was built?
        if current is None or current.person.subject != page.subject:
            raise NotSignedIn()
        return await run.io_bound(call)
    except NotSignedIn:
        with page.client:
            ui.notify(page.t('error.not_signed_in'), type='warning')
            ui.navigate.to(f'/auth/login?next={return_to}')
        return None
    except PortalError as error:
        with page.client:
            ui.notify(page.t(error.message_key, name=name), type='negative', multi_line=True)
        return None


def tell(page: OpenPage, message: str, *, focus: str | None = None) -> None:
    """A success message; focus moves to `focus` (an html id) when the control that was used is gone."""
    with page.client:
        ui.notify(message, type='positive')
        if focus:
            ui.run_javascript(f'document.getElementById({json.dumps(focus)})?.focus()')

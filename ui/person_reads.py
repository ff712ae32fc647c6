"""What a live page of a person's own organizations does when its read is refused.

Those pages (Organizations, Privacy) read through `LatestRead`, off the event loop: with a store across the
network a read takes milliseconds, during which every other page of the instance would otherwise wait.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from nicegui import ui
from starlette.responses import Response

from services.errors import PortalError, UnknownPerson
from ui.open_page import OpenPage
from ui.page_exit import leave_for
from ui.web_session import no_longer_in_directory


def refused_read(page: OpenPage) -> Callable[[PortalError], None]:
    """A person the directory no longer knows (removed by a restore while the page was open) is sent to the
    sign-in problem notice, as a new visit would be; anything else is said and the page keeps what it shows."""
    def refused(error: PortalError) -> None:
        if isinstance(error, UnknownPerson):
            leave_for('/sign-in-problem?reason=unknown_person')
        else:
            ui.notify(page.t('error.unexpected'), type='warning')
    return refused


async def first_show(show: Callable[..., Awaitable[None]]) -> Response | None:
    """The page's first read, before it is sent: a person the directory does not know gets the plain notice
    instead of the page (`show` is a list's `show(refused=...)`)."""
    refusals: list[PortalError] = []
    await show(refused=refusals.append)
    if any(isinstance(error, UnknownPerson) for error in refusals):
        return no_longer_in_directory()
    return None

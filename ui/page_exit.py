"""How an open page sends its tab away when it can no longer be shown (its session ended, its person is gone)."""

from __future__ import annotations

import json

from nicegui import ui


def leave_for(path: str) -> None:
    """A full load of `path` that replaces the page in the history (Back would only show a page whose session is
    gone): the notices it goes to are plain HTML, not NiceGUI pages a client-side navigation could open."""
    ui.run_javascript(f'window.location.replace({json.dumps(path)})')

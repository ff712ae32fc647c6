"""A check run first inside a unit of work, on the state the change is decided on.

Services that an administrator's page calls take one, so that "is this person still an administrator of this
organization" is decided in the same locked state as the change itself, not a moment before it.
"""

from __future__ import annotations

from collections.abc import Callable

from data.repository import DirectoryReader

Check = Callable[[DirectoryReader], None]


def no_check(reader: DirectoryReader) -> None:
    """For the operator's commands and the person's own actions: nothing more to check."""

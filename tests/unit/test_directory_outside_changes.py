"""The watcher publishes other processes' changes, waits out a busy store, and reports a broken one once."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

import pytest

from data.errors import StoreBusy, StoreCorrupt
from services.events import MembershipEvents
from services.outside_changes import watch_outside_changes


class ScriptedStore:
    """Answers `refresh` from a script, then stops the watcher."""

    def __init__(self, *answers: set[str] | Exception) -> None:
        self.answers = list(answers)

    def refresh(self) -> set[str]:
        if not self.answers:
            raise asyncio.CancelledError
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


async def run_directly(function: Callable[[], set[str]]) -> set[str]:
    return function()


async def test_changes_are_published_busy_is_waited_out_and_damage_logged_once(
        caplog: pytest.LogCaptureFixture) -> None:
    events = MembershipEvents()
    heard: list[str] = []
    events.subscribe('sub-1', lambda: heard.append('sub-1'))
    store = ScriptedStore(StoreBusy('busy'), {'sub-1'}, StoreCorrupt('bad file'), StoreCorrupt('bad file'),
                          set(), {'sub-1'})
    with caplog.at_level(logging.INFO), pytest.raises(asyncio.CancelledError):
        await watch_outside_changes(store, events, run_blocking=run_directly, interval=0)  # type: ignore[arg-type]
    assert heard == ['sub-1', 'sub-1']
    assert [r.levelname for r in caplog.records if 'bad file' in r.message] == ['ERROR']
    assert [r.levelname for r in caplog.records if 'busy' in r.message] == ['INFO']

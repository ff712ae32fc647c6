"""Fakes the tests share (fakes, not mocks): a clock the test moves by hand."""

from __future__ import annotations

from datetime import UTC, datetime


class SettableClock:
    """Returns `now` until the test changes it (`clock.now += timedelta(days=31)`)."""

    def __init__(self, now: datetime | None = None) -> None:
        self.now = now or datetime(2026, 3, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

"""Framework-free notice board: 'the organizations of person X changed'. Pages subscribe to redraw live."""

from __future__ import annotations

import logging
from collections.abc import Callable

log = logging.getLogger(__name__)

Listener = Callable[[], object]


class MembershipEvents:
    def __init__(self) -> None:
        self._listeners: dict[str, list[Listener]] = {}

    def subscribe(self, subject: str, listener: Listener) -> Callable[[], None]:
        """Call `listener` whenever `subject`'s organizations change; returns the function that unsubscribes."""
        self._listeners.setdefault(subject, []).append(listener)

        def unsubscribe() -> None:
            listeners = self._listeners.get(subject, [])
            if listener in listeners:
                listeners.remove(listener)
            if not listeners:
                self._listeners.pop(subject, None)
        return unsubscribe

    def topics_heard(self, prefix: str = '') -> set[str]:
        """The topics (starting with `prefix`) that someone listens to now: what news matters to this process."""
        return {topic for topic in list(self._listeners) if topic.startswith(prefix)}

    def publish_to_everyone(self) -> None:
        """Every open page looks again (after news from other processes may have been lost)."""
        self.publish(frozenset(self._listeners))

    def publish(self, subjects: set[str] | frozenset[str]) -> None:
        for subject in subjects:
            for listener in list(self._listeners.get(subject, [])):
                try:
                    listener()
                except Exception:
                    log.exception('a membership listener failed')

"""An organization's audit trail as its administrators read it: newest first, with people's names, filtered by
person, one window at a time."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from data.records import AuditEntry, Person
from services.windows import window


@dataclass(kw_only=True, slots=True, frozen=True)
class TrailEntry:
    position: int  # its place in the organization's trail, oldest first: the trail only grows, so it names it
    at: str
    action: str
    actor: str
    actor_name: str  # an administrator's or guest's name; 'operator' and 'retention' as they are
    subject: str | None
    subject_name: str | None
    detail: str | None


@dataclass(kw_only=True, slots=True, frozen=True)
class TrailWindow:
    entries: tuple[TrailEntry, ...]
    total: int
    matching: int
    offset: int = 0


def trail_window(records: Sequence[AuditEntry], find_person: Callable[[str], Person | None], *, person: str,
                 offset: int, limit: int | None) -> TrailWindow:
    """`records` (the organization's trail, oldest first) newest first; `person` keeps the entries about (or by)
    people whose name or e-mail holds every word of it (or whose detail does); at most `limit` from `offset`.
    Each person is looked up once, and only for the entries the search or the window needs."""
    names: dict[str, tuple[str, str]] = {}

    def who(subject: str | None) -> tuple[str, str]:
        if subject is None:
            return '', ''
        if subject not in names:
            found = find_person(subject)
            names[subject] = (found.name, found.email or '') if found else (subject, '')
        return names[subject]

    chosen = list(range(len(records) - 1, -1, -1))  # positions, newest first
    words = person.casefold().split()
    if words:
        def concerns(record: AuditEntry) -> bool:
            text = ' '.join((*who(record.subject), *who(record.actor), record.detail or '')).casefold()
            return all(word in text for word in words)
        chosen = [position for position in chosen if concerns(records[position])]
    shown, offset = window(chosen, offset, limit)
    entries = tuple(TrailEntry(position=position, at=record.at, action=record.action, actor=record.actor,
                               actor_name=who(record.actor)[0], subject=record.subject,
                               subject_name=who(record.subject)[0] if record.subject else None,
                               detail=record.detail)
                    for position in shown for record in (records[position],))
    return TrailWindow(entries=entries, total=len(records), matching=len(chosen), offset=offset)

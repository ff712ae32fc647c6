"""An organization's guests as its administrators' page lists them: by name, searched by name or e-mail, one
window at a time, with how long a removed guest can still be restored."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from data.records import Membership, Person
from services.windows import window


@dataclass(kw_only=True, slots=True, frozen=True)
class Guest:
    subject: str
    name: str
    email: str | None
    state: str
    joined: str | None
    left_at: str | None
    purge_on: datetime | None  # for a left membership: when it is removed for good (until then it can be restored)


@dataclass(kw_only=True, slots=True, frozen=True)
class GuestWindow:
    guests: tuple[Guest, ...]
    total: int  # every guest of the organization
    matching: int  # those matching the search
    offset: int = 0


def guest_window(members: Iterable[tuple[Membership, Person | None]], org_id: str, *, search: str, offset: int,
                 limit: int | None, retained_until: Callable[[Membership], datetime | None]) -> GuestWindow:
    """The guests among `members` (the organization's own people are members, not guests) whose name or e-mail
    holds every word of `search`, sorted by name, at most `limit` from `offset`.

    An organization may have tens of thousands of guests and the page is re-read on every change: rows are cheap
    tuples until the window is chosen, and `Guest` records are made only for the rows shown.
    """
    words = search.casefold().split()
    rows = []  # (sort key, membership, name, e-mail)
    total = 0
    for membership, person in members:
        if person is not None and person.home == org_id:
            continue  # their home: a member of the organization, not a guest
        total += 1
        name, email = (person.name, person.email or '') if person else (membership.subject, '')
        if words and not all(w in f'{name} {email}'.casefold() for w in words):
            continue
        rows.append(((name.casefold(), email, membership.subject), membership, name, email))
    rows.sort(key=lambda row: row[0])
    shown, offset = window(rows, offset, limit)
    guests = tuple(Guest(subject=m.subject, name=name, email=email or None, state=m.state, joined=m.joined,
                         left_at=m.left_at, purge_on=retained_until(m))
                   for _, m, name, email in shown)
    return GuestWindow(guests=guests, total=total, matching=len(rows), offset=offset)

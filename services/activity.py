"""A person's own activity: what the portal recorded about their account, newest first, a window at a time.

The audit trail names organizations by ID and actors by subject; a person wants to read which organization it was
and whether it was them, their organization, an administrator or the retention rule. This service turns the
trail into exactly that, so the page only has to put it into words.
"""

from __future__ import annotations

from dataclasses import dataclass

from data.records import AuditEntry
from data.repository import DirectoryRepository
from services.errors import SearchTooLong
from services.windows import window

SELF, ORGANIZATION, OPERATOR, RETENTION = 'self', 'organization', 'operator', 'retention'
MAX_SEARCH_LENGTH = 200


@dataclass(kw_only=True, slots=True, frozen=True)
class ActivityEntry:
    """One thing that happened; `position` is its place in the person's trail, oldest first.

    The trail only grows, so `position` (with `at`, `action` and the organization) names an entry for as long as
    a page shows it, whatever is added above it.
    """

    position: int
    at: str
    action: str
    organization_id: str | None
    organization_name: str | None  # the ID when the organization no longer exists; None when none was involved
    actor_kind: str  # SELF, ORGANIZATION, OPERATOR or RETENTION
    detail: str | None = None


@dataclass(kw_only=True, slots=True, frozen=True)
class ActivityView:
    """One window of the entries matching the search, newest first; `total` counts every entry of the person."""

    entries: tuple[ActivityEntry, ...]
    total: int
    offset: int = 0
    matching: int = 0


class ActivityService:
    def __init__(self, repository: DirectoryRepository) -> None:
        self._repository = repository

    def entries_of(self, subject: str, *, search: str = '', offset: int = 0, limit: int | None = None) -> ActivityView:
        """`subject`'s activity, newest first: of the entries whose organization matches `search`, at most `limit`
        from `offset`.

        The search looks at the organization's name and ID only (every word must appear): the sentences are the
        page's, in the person's language. An offset past the end gives the last window that has entries.
        Reads the person's file (the trail is not kept in memory): call it off the event loop.
        """
        if len(search) > MAX_SEARCH_LENGTH:
            raise SearchTooLong(str(len(search)))
        names: dict[str, str] = {}
        entries = [self._entry(subject, position, record, names)
                   for position, record in enumerate(self._repository.activity_of(subject))]
        entries.reverse()
        total = len(entries)
        words = search.casefold().split()
        if words:
            entries = [entry for entry in entries if _matches(entry, words)]
        shown, offset = window(entries, offset, limit)
        return ActivityView(entries=tuple(shown), total=total, offset=offset, matching=len(entries))

    def _entry(self, subject: str, position: int, record: AuditEntry, names: dict[str, str]) -> ActivityEntry:
        org_id = record.organization
        if org_id is not None and org_id not in names:
            organization = self._repository.organization(org_id)
            names[org_id] = organization.name if organization else org_id
        return ActivityEntry(position=position, at=record.at, action=record.action, organization_id=org_id,
                             organization_name=names.get(org_id) if org_id is not None else None,
                             actor_kind=actor_kind(record.actor, subject), detail=record.detail)


def actor_kind(actor: str, subject: str) -> str:
    """Who did it, as the person needs to know it: they did, an administrator's command, the retention rule, or
    else their organization (its administrators act under their own subjects)."""
    if actor == subject:
        return SELF
    if actor in (OPERATOR, RETENTION):
        return actor
    return ORGANIZATION


def _matches(entry: ActivityEntry, words: list[str]) -> bool:
    haystack = f'{entry.organization_name or ""} {entry.organization_id or ""}'.casefold()
    return all(word in haystack for word in words)

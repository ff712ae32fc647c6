"""Organizations' audit trails kept in memory once read, so an administrator's Activity tab reads one list.

An organization's records live with the people they concern, spread over every file of the store: reading them
all takes a scan of the store (half a second at ten thousand guests, under the store's lock). The first read of
an organization's trail pays that once; from then on every commit's audit records are added as the index takes
them in (this process's and other processes' alike), in commit order. Only the most recently read organizations
are kept, so memory stays bounded.
"""

from __future__ import annotations

from bisect import insort
from collections import OrderedDict

from data.file_changes import TableChanges
from data.records import AuditEntry

KEEP = 16  # organizations whose trail stays in memory


class OrganizationTrails:
    def __init__(self, keep: int = KEEP) -> None:
        self._keep = keep
        self._trails: OrderedDict[str, list[tuple[int, AuditEntry]]] = OrderedDict()

    def get(self, org_id: str) -> list[AuditEntry] | None:
        """The trail, oldest first, or None when it was not read (or was pushed out) since the index was loaded."""
        trail = self._trails.get(org_id)
        if trail is None:
            return None
        self._trails.move_to_end(org_id)
        return [entry for _, entry in trail]

    def keep(self, org_id: str, trail: list[tuple[int, AuditEntry]]) -> None:
        """Remember a trail just read from the files, as (commit sequence, record) pairs."""
        self._trails[org_id] = sorted(trail, key=lambda pair: pair[0])
        self._trails.move_to_end(org_id)
        while len(self._trails) > self._keep:
            self._trails.popitem(last=False)

    def take(self, tables: TableChanges) -> None:
        """Add one journal part's audit records to the trails in memory (a transaction's parts may come in any
        order, so each record goes to its place by its sequence number)."""
        for doc in tables.get('audit', {}).get('put', []):
            trail = self._trails.get(doc.get('organization') or '')
            if trail is not None:
                insort(trail, (doc['seq'], AuditEntry(at=doc['at'], actor=doc['actor'], action=doc['action'],
                                                       organization=doc['organization'], detail=doc.get('detail'),
                                                       subject=doc.get('subject'))), key=lambda pair: pair[0])

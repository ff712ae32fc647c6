"""A membership deleted through the store's one write path, as purging a left membership does.

The store knows no leave rules (those are the services'): these tests need only a small write that removes
one membership with its audit record, and refuses when it is not there.
"""

from __future__ import annotations

from data.errors import MembershipNotFound
from data.records import AuditEntry, Changes
from data.repository import DirectoryReader
from data.tinydb_store import TinyDirectoryStore


def remove_membership(store: TinyDirectoryStore, subject: str, organization: str, audit: AuditEntry) -> set[str]:
    def work(reader: DirectoryReader) -> Changes:
        membership = reader.membership(subject, organization)
        if membership is None:
            raise MembershipNotFound(f'{subject} is not a member of {organization}')
        return Changes(delete=(membership,), audit=(audit,))
    return store.transact(work)

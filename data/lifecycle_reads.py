"""The store's reads of invitations and removal requests, served from the in-memory index under the state lock."""

from __future__ import annotations

import threading

from data.records import Invitation, RemovalRequest
from data.store_state import StoreState


class LifecycleReads:
    """Mixed into `TinyDirectoryStore`, which owns `_lock` and `_state`."""

    _lock: threading.RLock
    _state: StoreState

    def invitation(self, invitation_id: str) -> Invitation | None:
        with self._lock:
            return self._state.index.lifecycle.invitations.get(invitation_id)

    def invitation_by_token(self, token_hash: str) -> Invitation | None:
        with self._lock:
            return self._state.index.lifecycle.invitation_by_token(token_hash)

    def invitations_for(self, emails: frozenset[str]) -> list[Invitation]:
        with self._lock:
            return self._state.index.lifecycle.invitations_for(emails)

    def pending_invitations(self) -> list[Invitation]:
        with self._lock:
            return self._state.index.lifecycle.pending_invitations()

    def invitations_of(self, org_id: str) -> list[Invitation]:
        with self._lock:
            return [i for i in self._state.index.lifecycle.invitations.values() if i.organization == org_id]

    def removal_requests_of(self, subject: str) -> list[RemovalRequest]:
        with self._lock:
            return self._state.index.lifecycle.requests_of(subject)

    def removal_requests_to(self, org_id: str | None) -> list[RemovalRequest]:
        """The requests to one organization, or to all of them (`None`)."""
        with self._lock:
            return [r for r in self._state.index.lifecycle.removal_requests.values()
                    if org_id in (None, r.organization)]

    def removal_request(self, request_id: str) -> RemovalRequest | None:
        with self._lock:
            return self._state.index.lifecycle.removal_requests.get(request_id)

"""Invitations and removal requests in memory, found by what the pages ask with: a person's addresses, a person,
a link's secret hash, an organization.

Every page of a signed-in person reads its pending invitations and its removal requests on each change, so these
are dict lookups, never scans of all of them.
"""

from __future__ import annotations

from data.file_changes import TableChanges
from data.records import PENDING, Invitation, RemovalRequest

EMAIL_TOPIC = 'email:'  # live-event topic of everyone signed in with that (lower-case) address
ORGANIZATION_TOPIC = 'organization:'  # live-event topic of the pages that show an organization's guests and trail


def email_topic(email: str) -> str:
    return f'{EMAIL_TOPIC}{email.casefold()}'


def organization_topic(org_id: str) -> str:
    return f'{ORGANIZATION_TOPIC}{org_id}'


class LifecycleIndex:
    def __init__(self) -> None:
        self.invitations: dict[str, Invitation] = {}
        self.removal_requests: dict[str, RemovalRequest] = {}
        self._by_token: dict[str, str] = {}
        self._by_email: dict[str, set[str]] = {}
        self._by_subject: dict[str, set[str]] = {}

    # --- reads ---

    def invitation_by_token(self, token_hash: str) -> Invitation | None:
        invitation_id = self._by_token.get(token_hash)
        return self.invitations.get(invitation_id) if invitation_id else None

    def invitations_for(self, emails: frozenset[str]) -> list[Invitation]:
        return [self.invitations[i] for email in emails for i in self._by_email.get(email, ())]

    def pending_invitations(self) -> list[Invitation]:
        return [i for i in self.invitations.values() if i.state == PENDING]

    def requests_of(self, subject: str) -> list[RemovalRequest]:
        return [self.removal_requests[r] for r in self._by_subject.get(subject, ())]

    # --- changes ---

    def put_invitation(self, invitation: Invitation) -> None:
        self.drop_invitation(invitation.id)
        self.invitations[invitation.id] = invitation
        self._by_token[invitation.token_hash] = invitation.id
        self._by_email.setdefault(invitation.email, set()).add(invitation.id)

    def drop_invitation(self, invitation_id: str) -> Invitation | None:
        old = self.invitations.pop(invitation_id, None)
        if old is not None:
            self._by_token.pop(old.token_hash, None)
            _discard(self._by_email, old.email, old.id)
        return old

    def put_request(self, request: RemovalRequest) -> None:
        self.drop_request(request.id)
        self.removal_requests[request.id] = request
        self._by_subject.setdefault(request.subject, set()).add(request.id)

    def drop_request(self, request_id: str) -> RemovalRequest | None:
        old = self.removal_requests.pop(request_id, None)
        if old is not None:
            _discard(self._by_subject, old.subject, old.id)
        return old

    def apply(self, tables: TableChanges, subjects: set[str], org_ids: set[str]) -> None:
        """One journal part's invitations, removal requests and audit records; `subjects` gains the live-event
        topics they touch (a person's activity is part of what they see)."""
        for doc in tables.get('audit', {}).get('put', []):
            if doc.get('subject'):
                subjects.add(doc['subject'])
            if doc.get('organization'):
                subjects.add(organization_topic(doc['organization']))
        invitations = tables.get('invitations', {})
        for (invitation_id,) in invitations.get('del', []):
            if (old := self.drop_invitation(invitation_id)) is not None:
                subjects.update((email_topic(old.email), organization_topic(old.organization)))
                org_ids.add(old.organization)
        for doc in invitations.get('put', []):
            invitation = Invitation(**doc)
            self.put_invitation(invitation)
            subjects.update((email_topic(invitation.email), organization_topic(invitation.organization)))
        requests = tables.get('removal_requests', {})
        for (request_id,) in requests.get('del', []):
            if (old_request := self.drop_request(request_id)) is not None:
                subjects.update((old_request.subject, organization_topic(old_request.organization)))
        for doc in requests.get('put', []):
            request = RemovalRequest(**doc)
            self.put_request(request)
            subjects.update((request.subject, organization_topic(request.organization)))

    def changed_topics(self, new: LifecycleIndex) -> set[str]:
        """Whose pages differ between this and `new` (after a restore)."""
        topics = {email_topic(i.email) for i in [*self.invitations.values(), *new.invitations.values()]
                  if self.invitations.get(i.id) != new.invitations.get(i.id)}
        topics |= {organization_topic(i.organization) for i in [*self.invitations.values(), *new.invitations.values()]
                   if self.invitations.get(i.id) != new.invitations.get(i.id)}
        changed_requests = [r for r in [*self.removal_requests.values(), *new.removal_requests.values()]
                            if self.removal_requests.get(r.id) != new.removal_requests.get(r.id)]
        topics |= {r.subject for r in changed_requests} | {organization_topic(r.organization) for r in changed_requests}
        return topics


def _discard(index: dict[str, set[str]], key: str, value: str) -> None:
    values = index.get(key)
    if values is not None:
        values.discard(value)
        if not values:
            del index[key]

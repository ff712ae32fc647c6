"""A guest who may not leave on their own asks the organization to remove them; the organization answers.

The person sends at most one open request per organization, with an optional message. The organization either
completes it (the membership is left, with the same retention as a leave) or declines it with an answer the
person sees on the card and in their activity; after a decline they may ask again.
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Callable, Iterable
from dataclasses import replace

from data.errors import StoreError
from data.records import DECLINED, DONE, LEFT, OPEN, AuditEntry, Changes, RemovalRequest
from data.repository import DirectoryReader, DirectoryRepository
from services.clock import Clock, utc_now
from services.errors import (
    AlreadyLeft,
    InvalidMessage,
    RemovalAlreadyRequested,
    RemovalNotNeeded,
    StoreUnavailable,
    UnknownOrganization,
    UnknownRemovalRequest,
)
from services.events import MembershipEvents
from services.leave_rules import leave_block
from services.rate_limit import RateLimiter
from services.work_checks import Check, no_check

log = logging.getLogger(__name__)
security_log = logging.getLogger('myprofile.security')

MAX_MESSAGE = 500
_CONTROL = re.compile(r'[\x00-\x08\x0b-\x1f\x7f]')  # line breaks are fine in a message


def latest_requests(requests: Iterable[RemovalRequest]) -> dict[str, RemovalRequest]:
    """Per organization, the request that matters on the card: the open one, else the latest answered one."""
    latest: dict[str, RemovalRequest] = {}
    for request in sorted(requests, key=lambda r: (r.state == OPEN, r.created)):
        latest[request.organization] = request
    return latest


def clean_message(message: str | None, limit: int = MAX_MESSAGE) -> str | None:
    text = (message or '').strip()
    if len(text) > limit or _CONTROL.search(text):
        raise InvalidMessage(f'{len(text)} characters')
    return text or None


class RemovalRequestService:
    def __init__(self, repository: DirectoryRepository, events: MembershipEvents, clock: Clock = utc_now,
                 limiter: RateLimiter | None = None) -> None:
        self._repository = repository
        self._events = events
        self._clock = clock
        self._limiter = limiter

    def request(self, subject: str, org_id: str, message: str | None, *, address: str = 'unknown') -> RemovalRequest:
        """Ask `org_id` to remove `subject` (from the server-side session); only where leaving is not allowed."""
        if self._limiter is not None:
            self._limiter.hit(f'person:{subject}', f'address:{address}')
        text = clean_message(message)
        at = self._now()
        made: list[RemovalRequest] = []

        def send(reader: DirectoryReader) -> Changes:
            membership = reader.membership(subject, org_id)
            org = reader.organization(org_id)
            if membership is None:
                raise UnknownOrganization(org_id)
            if membership.state == LEFT:
                raise AlreadyLeft(org_id)
            if leave_block(org, membership) is None:
                raise RemovalNotNeeded(org_id)
            if any(r.organization == org_id and r.state == OPEN for r in reader.removal_requests_of(subject)):
                raise RemovalAlreadyRequested(org_id)
            made.append(RemovalRequest(id=secrets.token_urlsafe(12), subject=subject, organization=org_id,
                                       created=at, message=text))
            return Changes(put=(made[0],), audit=(AuditEntry(at=at, actor=subject, action='removal_requested',
                                                             organization=org_id, subject=subject),))

        self._commit(send)
        return made[0]

    def complete(self, request_id: str, *, actor: str, org_id: str | None = None,
                 check: Check = no_check) -> RemovalRequest:
        """The organization removes the person: the membership is left (kept for the retention period).

        `org_id`: the request must be to this organization (an administrator answers only their own).
        """
        at = self._now()
        done: list[RemovalRequest] = []

        def remove(reader: DirectoryReader) -> Changes:
            check(reader)
            request = self._open_request(reader, request_id, org_id)
            done.append(replace(request, state=DONE, answered_at=at))
            membership = reader.membership(request.subject, request.organization)
            puts: tuple = (done[0],)
            if membership is not None and membership.state != LEFT:
                puts += (replace(membership, state=LEFT, left_at=at),)
            return Changes(put=puts, audit=(AuditEntry(at=at, actor=actor, action='removal_done',
                                                       organization=request.organization, subject=request.subject),))

        self._commit(remove)
        return done[0]

    def decline(self, request_id: str, answer: str, *, actor: str, org_id: str | None = None,
                check: Check = no_check) -> RemovalRequest:
        """The organization keeps the person, and says why (the person reads it)."""
        text = clean_message(answer)
        if text is None:
            raise InvalidMessage('an answer is needed to decline')
        at = self._now()
        declined: list[RemovalRequest] = []

        def keep(reader: DirectoryReader) -> Changes:
            check(reader)
            request = self._open_request(reader, request_id, org_id)
            declined.append(replace(request, state=DECLINED, answer=text, answered_at=at))
            return Changes(put=(declined[0],), audit=(AuditEntry(
                at=at, actor=actor, action='removal_declined', organization=request.organization,
                subject=request.subject, detail=text),))

        self._commit(keep)
        return declined[0]

    def open_requests(self, org_id: str | None = None) -> list[RemovalRequest]:
        """Open requests, oldest first (all organizations when `org_id` is None)."""
        return sorted((r for r in self._repository.removal_requests_to(org_id) if r.state == OPEN),
                      key=lambda r: r.created)

    @staticmethod
    def _open_request(reader: DirectoryReader, request_id: str, org_id: str | None) -> RemovalRequest:
        request = reader.removal_request(request_id)
        if request is None or (org_id is not None and request.organization != org_id):
            if request is not None:
                security_log.warning('refused: an answer for %r to removal request %r, which is to %r',
                                     org_id, request_id, request.organization)
            raise UnknownRemovalRequest(f'no removal request {request_id!r}')
        if request.state != OPEN:
            raise UnknownRemovalRequest(f'removal request {request_id!r} is {request.state}, not open')
        return request

    def _now(self) -> str:
        return self._clock().isoformat(timespec='seconds')

    def _commit(self, work: Callable[[DirectoryReader], Changes]) -> None:
        try:
            topics = self._repository.transact(work)
        except StoreError as error:
            log.error('removal request not stored: %s', error)
            raise StoreUnavailable(str(error)) from None
        self._events.publish(topics)

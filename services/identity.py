"""Turn verified ID-token claims into a person the directory knows."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from data.errors import StoreError
from data.records import AuditEntry, Changes, Organization, Person
from data.repository import DirectoryRepository
from services.clock import Clock, utc_now
from services.errors import StoreUnavailable, UnknownPerson
from services.events import MembershipEvents
from services.sessions import SignedInPerson

log = logging.getLogger(__name__)


class IdentityService:
    def __init__(self, repository: DirectoryRepository, *, home_org_claim: str = 'tid', clock: Clock = utc_now,
                 events: MembershipEvents | None = None) -> None:
        self._repository = repository
        self._home_org_claim = home_org_claim
        self._clock = clock
        self._events = events  # tells the person's open activity pages about the sign-in

    def person_for(self, issuer: str, claims: Mapping[str, Any]) -> SignedInPerson:
        """The signed-in person; someone new is added with the home organization their token names."""
        subject = str(claims['sub'])
        known = self._repository.person(subject)
        email = _text(claims.get('email')) or _text(claims.get('preferred_username'))
        name = _text(claims.get('name')) or email or subject
        if known is None:
            home_id = _text(claims.get(self._home_org_claim))
            if not home_id:
                log.warning('sign-in refused: %r is not in the directory and the token has no %r claim',
                            subject, self._home_org_claim)
                raise UnknownPerson(subject, claim=self._home_org_claim)
            domain = email.rpartition('@')[2] if email and '@' in email else None
            home = self._repository.organization(home_id) or Organization(id=home_id, name=domain or home_id,
                                                                           domain=domain)
            try:
                self._repository.add_person(Person(subject=subject, name=name, email=email, home=home_id), home)
            except StoreError as error:
                raise StoreUnavailable(str(error)) from None
            log.info('added %r to the directory on first sign-in (home organization %r)', subject, home_id)
        else:
            name = known.name or name
            email = known.email or email
        self._record_sign_in(subject)
        verified = _text(claims.get('email')) if claims.get('email_verified') is True else None
        return SignedInPerson(issuer=issuer, subject=subject, name=name, email=email, verified_email=verified)

    def _record_sign_in(self, subject: str) -> None:
        """Put the sign-in in the person's activity, so they can spot one that was not theirs.

        The record is for the person's information, not a gate: a store that cannot take it now does not keep
        them out (it is logged, and the sign-in goes on).
        """
        entry = AuditEntry(at=self._clock().isoformat(timespec='seconds'), actor=subject, action='sign_in',
                           subject=subject)
        try:
            topics = self._repository.transact(lambda reader: Changes(audit=(entry,)))
        except StoreError as error:
            log.warning('sign-in of %r not recorded in the activity: %s', subject, error)
            return
        if self._events is not None:
            self._events.publish(topics)  # the person's open activity pages


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None

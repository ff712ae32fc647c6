"""Turn verified ID-token claims into a person the directory knows."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from data.errors import StoreError
from data.records import Organization, Person
from data.repository import DirectoryRepository
from services.errors import StoreUnavailable, UnknownPerson
from services.sessions import SignedInPerson

log = logging.getLogger(__name__)


class IdentityService:
    def __init__(self, repository: DirectoryRepository, *, home_org_claim: str = 'tid') -> None:
        self._repository = repository
        self._home_org_claim = home_org_claim

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
        return SignedInPerson(issuer=issuer, subject=subject, name=name, email=email)


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None

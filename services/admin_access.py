"""Who may administer which organization, decided at the moment an action runs.

Every administrator action names a session and an organization. The session must still be valid (not signed
out, not expired) and its person must still be one of the organization's `admins` in the directory, read now:
a person removed as administrator a second ago is refused. Anything else (another organization's id, a forged
one) is refused with `NotAnAdministrator`, which says nothing about whether the organization exists, and is
logged on `myprofile.security`.
"""

from __future__ import annotations

import logging

from data.records import Organization
from data.repository import DirectoryReader
from services.errors import NotAnAdministrator, NotSignedIn
from services.sessions import SessionStore, SignedInPerson

security_log = logging.getLogger('myprofile.security')


class AdminAccess:
    def __init__(self, repository: DirectoryReader, sessions: SessionStore) -> None:
        self._repository = repository
        self._sessions = sessions

    def person(self, session_id: str | None) -> SignedInPerson:
        """The session's person, or NotSignedIn."""
        session = self._sessions.get(session_id) if session_id else None
        if session is None:
            raise NotSignedIn()
        return session.person

    def administered_by(self, subject: str) -> list[Organization]:
        """The organizations `subject` administers, by name."""
        return sorted((org for org in self._repository.all_organizations() if subject in org.admins),
                      key=lambda org: (org.name.casefold(), org.id))

    def require(self, session_id: str | None, org_id: str, *, action: str) -> tuple[SignedInPerson, Organization]:
        """The administrator and their organization, or a refusal (logged when it is not a plain sign-out)."""
        person = self.person(session_id)
        org = self._repository.organization(org_id) if isinstance(org_id, str) else None
        if org is None or person.subject not in org.admins:
            security_log.warning('refused: %r tried to %s organization %r, which they do not administer',
                                 person.subject, action, str(org_id)[:200])
            raise NotAnAdministrator(str(org_id)[:200])
        return person, org

    @staticmethod
    def still_admin(reader: DirectoryReader, org_id: str, subject: str) -> None:
        """Inside a unit of work: the person is still an administrator in the state the change is decided on."""
        org = reader.organization(org_id)
        if org is None or subject not in org.admins:
            security_log.warning('refused: %r is no longer an administrator of %r', subject, org_id)
            raise NotAnAdministrator(org_id)

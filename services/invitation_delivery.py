"""Invitations sent by e-mail, when the portal has a mail server: composed in the invitee's language, handed to
the mailer (which retries), and their delivery reported back to the administrator's page.

Without a mail server there is no delivery, and the administrator copies each new link instead.
"""

from __future__ import annotations

from datetime import datetime

from data.lifecycle_index import organization_topic
from data.records import Organization
from services.invitation_mail import compose_invitation
from services.invitations import IssuedInvitation
from services.mail_delivery import DeliveryStatus, InvitationMailer
from services.mail_settings import MailSettings
from services.sessions import SignedInPerson


class InvitationDelivery:
    def __init__(self, mail: MailSettings, mailer: InvitationMailer) -> None:
        self._mail = mail
        self._mailer = mailer

    def send(self, issued: IssuedInvitation, *, organization: Organization, inviter: SignedInPerson,
             language: str) -> None:
        """Queue the invitation's e-mail (a newer one for the same invitation replaces it); returns at once."""
        invitation = issued.invitation
        message = compose_invitation(mail=self._mail, to=invitation.email, organization_name=organization.name,
                                     inviter_name=inviter.name, inviter_email=inviter.email, link=issued.link,
                                     expires=datetime.fromisoformat(invitation.expires), language=language)
        self._mailer.send(key=invitation.id, topic=organization_topic(organization.id), message=message)

    def status(self, invitation_id: str) -> DeliveryStatus | None:
        return self._mailer.status(invitation_id)

    def close(self) -> None:
        self._mailer.close()

"""Typed refusals. Each carries a message key that the UI turns into a plain sentence in the person's language."""

from __future__ import annotations


class PortalError(Exception):
    """Base of every refusal a person can meet; `message_key` names the sentence the UI shows."""

    message_key = 'error.unexpected'

    def __init__(self, detail: str = '', **params: str) -> None:
        super().__init__(detail or self.message_key)
        self.params = params


class CannotLeaveHomeOrganization(PortalError):
    message_key = 'error.cannot_leave_home'


class AlreadyLeft(PortalError):
    """The membership is gone: left in another tab, or never existed for this person."""

    message_key = 'error.already_left'


class UnknownOrganization(PortalError):
    message_key = 'error.unknown_organization'


class NotSignedIn(PortalError):
    message_key = 'error.not_signed_in'


class UnknownPerson(PortalError):
    """The account is valid but the directory does not know it and the token names no home organization."""

    message_key = 'error.unknown_person'


class StoreUnavailable(PortalError):
    """The store refused the change (busy or unreadable); nothing was changed."""

    message_key = 'error.store_unavailable'


class InvalidDirectory(PortalError):
    """An import file was refused as a whole; the message names the bad entry."""

    message_key = 'error.invalid_directory'


class SignInRefused(PortalError):
    """The provider's answer failed a check; `reason` goes to the log and audit, never to the page verbatim."""

    message_key = 'error.sign_in_refused'


class SignInCancelled(PortalError):
    message_key = 'error.sign_in_cancelled'


class SignInUnavailable(PortalError):
    """The identity provider could not be reached or answered nonsense."""

    message_key = 'error.sign_in_unavailable'


class RateLimited(PortalError):
    """Too many attempts in a short time; `retry_after` seconds until the next one is accepted."""

    message_key = 'error.rate_limited'


class SearchTooLong(PortalError):
    """A search text longer than any organization's name, domain or ID could be; nothing was searched."""

    message_key = 'error.search_too_long'


class MembershipDisabled(PortalError):
    """The organization disabled this membership: the person still sees it but cannot leave on their own."""

    message_key = 'error.membership_disabled'


class NotAMember(PortalError):
    """An operator's command named a membership that is not stored (never existed, or purged)."""

    message_key = 'error.not_a_member'


class CannotReinstate(PortalError):
    """Only a left membership still within its retention period can be restored."""

    message_key = 'error.cannot_reinstate'


class LeaveByRequestOnly(PortalError):
    """The organization lets guests leave only by asking it (its leave policy)."""

    message_key = 'error.leave_by_request'


class NoPrivacyInformation(PortalError):
    """The organization has not published both a privacy statement and a privacy contact."""

    message_key = 'error.leave_no_privacy'


class RemovalNotNeeded(PortalError):
    """The person can leave this organization on their own; a request would only wait for nobody."""

    message_key = 'error.removal_not_needed'


class RemovalAlreadyRequested(PortalError):
    message_key = 'error.removal_already_requested'


class InvalidMessage(PortalError):
    """A removal request's message is too long (500 characters) or holds control characters."""

    message_key = 'error.invalid_message'


class UnknownRemovalRequest(PortalError):
    message_key = 'error.unknown_removal_request'


class InvalidEmail(PortalError):
    message_key = 'error.invalid_email'


class AlreadyInvited(PortalError):
    """A pending, unexpired invitation to the same address and organization exists: it is reported, not repeated."""

    message_key = 'error.already_invited'


class AlreadyMember(PortalError):
    message_key = 'error.already_member'


class UnknownInvitation(PortalError):
    """No invitation has this link or id (never issued, or mistyped)."""

    message_key = 'error.invitation_unknown'


class InvitationExpired(PortalError):
    message_key = 'error.invitation_expired'


class InvitationRevoked(PortalError):
    message_key = 'error.invitation_revoked'


class InvitationUsed(PortalError):
    """The invitation was accepted or declined already: a link works once."""

    message_key = 'error.invitation_used'


class InvitationForAnotherAddress(PortalError):
    """The invitation was sent to an address that is not the signed-in person's."""

    message_key = 'error.invitation_other_address'


class InvalidInput(PortalError):
    """A value outside what the command or form accepts; the detail names it."""

    message_key = 'error.invalid_input'


class NotAnAdministrator(PortalError):
    """The signed-in person does not (or no longer) administer this organization; nothing about it is revealed."""

    message_key = 'error.not_an_administrator'


class TooManyAddresses(PortalError):
    """More addresses in one invitation form than it takes at once; nothing was sent."""

    message_key = 'error.too_many_addresses'

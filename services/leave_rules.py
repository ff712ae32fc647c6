"""Whether a guest may leave an organization on their own, and if not, exactly why.

As in Microsoft's tenants: only when the organization lets guests leave on their own (its leave policy) and has
published both a privacy statement and a privacy contact, so the person knows what happens to their data and whom
to ask. A membership the organization disabled cannot be left on one's own either. Every refusal names its reason,
so the page can say it and offer a removal request instead.
"""

from __future__ import annotations

from data.records import BY_REQUEST, DISABLED, Membership, Organization
from services.errors import LeaveByRequestOnly, MembershipDisabled, NoPrivacyInformation, PortalError

DISABLED_BY_ORGANIZATION, ONLY_BY_REQUEST, NO_PRIVACY_INFORMATION = 'disabled', 'by_request', 'no_privacy'
REFUSALS: dict[str, type[PortalError]] = {DISABLED_BY_ORGANIZATION: MembershipDisabled,
                                          ONLY_BY_REQUEST: LeaveByRequestOnly,
                                          NO_PRIVACY_INFORMATION: NoPrivacyInformation}


def leave_block(organization: Organization | None, membership: Membership) -> str | None:
    """Why `membership` cannot be left by the person themselves, or None when it can."""
    if membership.state == DISABLED:
        return DISABLED_BY_ORGANIZATION
    if organization is None:  # named by a membership but never imported: nothing published, no policy
        return NO_PRIVACY_INFORMATION
    return rules_block(organization.leave_policy, organization.privacy_url, organization.privacy_contact)


def rules_block(leave_policy: str, privacy_url: str | None, privacy_contact: str | None) -> str | None:
    """Why an organization's rules keep its guests from leaving on their own, or None when they let them (an
    administrator's settings page says this before saving)."""
    if leave_policy == BY_REQUEST:
        return ONLY_BY_REQUEST
    if not ((privacy_url or '').strip() and (privacy_contact or '').strip()):
        return NO_PRIVACY_INFORMATION
    return None


def refusal(reason: str, org_id: str) -> PortalError:
    return REFUSALS[reason](org_id)

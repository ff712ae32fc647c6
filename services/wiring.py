"""Builds the store and the services from the settings; shared by the web app and the admin commands."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from data.tinydb_store import TinyDirectoryStore
from services.activity import ActivityService
from services.admin_access import AdminAccess
from services.directory_admin import DirectoryAdmin
from services.events import MembershipEvents
from services.identity import IdentityService
from services.invitation_delivery import InvitationDelivery
from services.invitations import InvitationService
from services.mail_delivery import InvitationMailer
from services.mail_settings import MailSettings
from services.membership_admin import MembershipAdmin
from services.org_administration import OrganizationAdministration
from services.organizations import OrganizationService
from services.rate_limit import RateLimiter
from services.removal_requests import RemovalRequestService
from services.sessions import SessionStore
from services.settings import Settings
from services.sign_in_guard import SignInGuard, SignInLimits


@dataclass(kw_only=True, frozen=True)
class Services:
    store: TinyDirectoryStore
    events: MembershipEvents
    organizations: OrganizationService
    admin: DirectoryAdmin
    identity: IdentityService
    activity: ActivityService
    memberships: MembershipAdmin
    removals: RemovalRequestService
    invitations: InvitationService
    administration: OrganizationAdministration
    access: AdminAccess
    sessions: SessionStore
    sign_in_guard: SignInGuard
    leave_limit: RateLimiter


def build_services(settings: Settings) -> Services:
    store = TinyDirectoryStore(settings.db)
    events = MembershipEvents()
    leave_limit = RateLimiter(limit=settings.rate_limit_leaves, window_seconds=60)
    memberships = MembershipAdmin(store, events, retention=timedelta(days=settings.retention_days))
    removals = RemovalRequestService(store, events, limiter=leave_limit)
    invitations = InvitationService(store, events, public_url=settings.public_url, days=settings.invitation_days)
    sessions = SessionStore(idle_timeout=timedelta(minutes=settings.session_idle_minutes),
                            absolute_lifetime=timedelta(hours=settings.session_max_hours), events=events)
    access = AdminAccess(store, sessions)
    mail = MailSettings.from_settings(settings)
    delivery = None if mail is None else InvitationDelivery(mail, InvitationMailer(mail, publish=events.publish))
    return Services(store=store, events=events,
                    organizations=OrganizationService(store, events, limiter=leave_limit),
                    admin=DirectoryAdmin(store, events),
                    identity=IdentityService(store, home_org_claim=settings.home_org_claim, events=events),
                    activity=ActivityService(store),
                    memberships=memberships, removals=removals, invitations=invitations,
                    access=access,
                    administration=OrganizationAdministration(
                        store, events, access, memberships=memberships,
                        invitations=invitations, removals=removals, delivery=delivery),
                    sessions=sessions,
                    sign_in_guard=SignInGuard(SignInLimits(
                        failures_per_address=settings.sign_in_failures_per_address,
                        failures_per_person=settings.sign_in_failures_per_person,
                        sign_ins_per_person=settings.rate_limit_sign_ins,
                        pending_per_address=settings.pending_sign_ins_per_address)),
                    leave_limit=leave_limit)

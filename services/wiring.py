"""The composition root: the settings decide which store is built (TinyDB in MYPROFILE_DB, or PostgreSQL with
MYPROFILE_DATABASE_URL) and how other processes' changes reach this one; the services are built around it.
They also decide where sessions, sign-ins in flight and rate limits live: in this process's memory, or in Redis
with MYPROFILE_REDIS_URL, shared by every instance (with session ends relayed between them).
Shared by the web app and the admin commands; nothing else chooses an engine."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from pathlib import Path

from data.postgres_migrations import described, migrate
from data.postgres_notify import EVERYTHING
from data.postgres_store import PostgresDirectoryStore
from data.records import StoreCounts
from data.redis_connection import RedisConnection
from data.redis_pending_sign_ins import RedisPendingSignIns
from data.redis_rate_limit import RedisAttemptWindows
from data.redis_session_ends import RedisSessionEnds
from data.redis_sessions import RedisSessionRepository
from data.repository import DirectoryRepository, Progress
from data.tinydb_store import TinyDirectoryStore
from services.activity import ActivityService
from services.admin_access import AdminAccess
from services.directory_admin import DirectoryAdmin, check_backup, restore_backup
from services.events import MembershipEvents
from services.identity import IdentityService
from services.invitation_delivery import InvitationDelivery
from services.invitations import InvitationService
from services.mail_delivery import InvitationMailer
from services.mail_settings import MailSettings
from services.membership_admin import MembershipAdmin
from services.org_administration import OrganizationAdministration
from services.organizations import OrganizationService
from services.outside_changes import RunBlocking, watch_outside_changes
from services.pending_sign_ins import sign_in_address
from services.rate_limit import RateLimiter
from services.removal_requests import RemovalRequestService
from services.sessions import SessionStore
from services.settings import Settings
from services.sign_in_guard import SignInGuard, SignInLimits


@dataclass(kw_only=True, frozen=True)
class Services:
    store: DirectoryRepository
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
    health_checks: dict[str, Callable[[], bool]]  # what must answer for this instance to be ready (`/healthz`)


def build_store(settings: Settings) -> TinyDirectoryStore | PostgresDirectoryStore:
    if settings.database_url:
        return PostgresDirectoryStore(settings.database_url)
    return TinyDirectoryStore(settings.db)


def follow_other_processes(store: DirectoryRepository, events: MembershipEvents,
                           run_blocking: RunBlocking) -> Callable[[], Awaitable[None]]:
    """How commits of other processes (instances, administrator commands) reach this one's open pages: the
    PostgreSQL store is told by NOTIFY; the TinyDB store's journal is polled."""
    if isinstance(store, PostgresDirectoryStore):
        async def listen() -> None:
            def told(topics: set[str]) -> None:
                if EVERYTHING in topics:  # the connection was lost for a while: anything may have changed
                    events.publish_to_everyone()
                else:
                    events.publish(topics)
            store.listen(told)
        return listen
    return lambda: watch_outside_changes(store, events, run_blocking=run_blocking)


def restore_store(settings: Settings, backup: Path, *, progress: Progress | None = None) -> StoreCounts:
    """Replace the configured store by `backup` (of either engine), checked whole first like an import."""
    check = partial(check_backup, backup=backup)
    if settings.database_url:
        with PostgresDirectoryStore(settings.database_url) as store:
            return store.restore_from(backup, check=check, progress=progress)
    return restore_backup(settings.db, backup, progress=progress)


def migrate_store(settings: Settings) -> str:
    """Bring the configured store's schema up to this code's; says what was done."""
    if not settings.database_url:
        return f'The TinyDB store ({settings.db}) has no schema to migrate: it is read as it is.'
    before, after = migrate(settings.database_url)
    where = described(settings.database_url)
    if before == after:
        return f'{where}: the schema is at version {after}, as this code expects; nothing to do.'
    return f'{where}: migrated the schema from version {before} to {after}.'


def build_services(settings: Settings) -> Services:
    store = build_store(settings)
    events = MembershipEvents()
    shared = RedisConnection(settings.redis_url) if settings.redis_url else None
    clock = time.monotonic if shared is None else time.time  # instances compare times: a wall clock then
    leave_limit = RateLimiter(limit=settings.rate_limit_leaves, window_seconds=60, clock=clock,
                              windows=None if shared is None else RedisAttemptWindows(shared, 'leaves'))
    memberships = MembershipAdmin(store, events, retention=timedelta(days=settings.retention_days))
    removals = RemovalRequestService(store, events, limiter=leave_limit)
    invitations = InvitationService(store, events, public_url=settings.public_url, days=settings.invitation_days)
    sessions = SessionStore(None if shared is None else RedisSessionRepository(shared),
                            idle_timeout=timedelta(minutes=settings.session_idle_minutes),
                            absolute_lifetime=timedelta(hours=settings.session_max_hours), events=events,
                            relay=None if shared is None else RedisSessionEnds(shared))
    access = AdminAccess(store, sessions)
    mail = MailSettings.from_settings(settings)
    delivery = None if mail is None else InvitationDelivery(mail, InvitationMailer(mail, publish=events.publish))
    health_checks = {'store': store.ready} | ({} if shared is None else {'redis': shared.ready})
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
                    sign_in_guard=build_sign_in_guard(settings, shared, clock),
                    leave_limit=leave_limit, health_checks=health_checks)


def build_sign_in_guard(settings: Settings, shared: RedisConnection | None,
                        clock: Callable[[], float]) -> SignInGuard:
    limits = SignInLimits(failures_per_address=settings.sign_in_failures_per_address,
                          failures_per_person=settings.sign_in_failures_per_person,
                          sign_ins_per_person=settings.rate_limit_sign_ins,
                          pending_per_address=settings.pending_sign_ins_per_address)
    if shared is None:
        return SignInGuard(limits, clock=clock)
    return SignInGuard(limits, clock=clock, windows=lambda name: RedisAttemptWindows(shared, name),
                       pending=lambda limits, on_abandoned: RedisPendingSignIns(
                           shared, address_of=sign_in_address, clock=clock, max_pending=limits.max_pending,
                           per_address=limits.pending_per_address, lifetime=limits.pending_lifetime_seconds,
                           on_abandoned=on_abandoned))

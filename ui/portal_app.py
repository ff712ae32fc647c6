"""Puts the web app together: static files, sign-in, the demo provider when on, pages, live updates."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

import httpx2
from nicegui import app, background_tasks, core, run
from starlette.applications import Starlette

import demo_idp
from demo_idp.web import PREFIX, demo_provider_routes
from services.demo_directory import ACCOUNTS, DEMO_INVITATION, DIRECTORY, DemoAccount
from services.retention import purge_daily, sweep_every_second
from services.settings import Settings, SettingsError, demo_storage_secret
from services.wiring import Services, follow_other_processes
from ui import (
    activity_page,
    admin_pages,
    auth_routes,
    csrf,
    frame,
    health,
    invitation_page,
    live_connection,
    notice_pages,
    organizations_page,
    overview_page,
    privacy_page,
)
from ui.forwarded_headers import ForwardedHeaders
from ui.relying_party import RelyingParty, RelyingPartyConfig
from ui.request_log import RequestLog
from ui.security_headers import SecurityHeaders
from ui.web_session import SESSION_ID

STATIC = Path(__file__).parent / 'static'
DEMO_CLIENT_ID = 'myprofile-portal-demo'


def mount_portal(settings: Settings, services: Services) -> dict[str, Any]:
    """Register everything on NiceGUI's app; returns the `ui.run` arguments that depend on the settings."""
    app.add_static_files('/assets', STATIC)
    # Quasar's default green, red and amber fail WCAG AA contrast behind white notification text
    # the round-trip bar is decoration (results are announced by notifications): keep it out of the a11y tree
    app.config.quasar_config['loadingBar']['aria-hidden'] = 'true'
    app.colors(primary='#0f5ca8', positive='#1b7035', negative='#b3261e', warning='#8a5300', info='#0f5ca8')
    app.add_middleware(SecurityHeaders)
    app.add_middleware(RequestLog)
    app.add_middleware(ForwardedHeaders, trusted=settings.trusted_proxy_list)  # outermost: before anything reads them
    # the live connection's Socket.IO server accepts any Origin by default: only our own page may connect
    core.sio.eio.cors_allowed_origins = [settings.public_origin]
    relying_party = RelyingParty(_relying_party_config(settings, services), services.identity, services.sessions,
                                 services.sign_in_guard)
    auth_routes.register(app, relying_party, services.sessions, public_url=settings.public_url)
    overview_page.register(services.organizations, services.invitations, services.sessions, services.events)
    organizations_page.register(services.organizations, services.removals, services.invitations, services.sessions,
                                services.events, retention_days=settings.retention_days)
    invitation_page.register(services.invitations, services.sessions)
    activity_page.register(services.activity, services.sessions, services.events)
    privacy_page.register(services.organizations, services.sessions, services.events)
    admin_pages.register(services.administration, services.sessions, services.events,
                         retention_days=settings.retention_days)
    frame.show_administration_to(lambda subject: bool(services.access.administered_by(subject)))
    if services.administration.delivery is not None:
        app.on_shutdown(services.administration.delivery.close)
    app.on_shutdown(services.store.close)  # the PostgreSQL store's pool and listener; the TinyDB store's files
    notice_pages.register(app)
    health.register(app, services.health_checks)  # the store, and Redis when instances share state there
    app.on_startup(lambda: background_tasks.create(
        follow_other_processes(services.store, services.events, run.io_bound)(), name='follow other processes'))
    app.on_startup(lambda: background_tasks.create(
        purge_daily(services.memberships, services.invitations, run_blocking=run.io_bound),
        name='purge past retention'))
    secret = cookie_secret(settings)
    csrf.use_secret(secret)  # the same on every instance: a sign-out form works whichever instance it reaches
    live_connection.install(services.sessions, live_connection.SessionCookie(
        name=settings.session_cookie, secret=secret, max_age=settings.session_max_hours * 3600, key=SESSION_ID),
        services.events)
    app.on_startup(services.sessions.follow_other_instances)  # sessions other instances end (with Redis)
    app.on_shutdown(services.sessions.close)
    app.on_startup(lambda: background_tasks.create(
        sweep_every_second(services.sessions, (services.sign_in_guard, services.leave_limit),
                           run_blocking=run.io_bound),
        name='end expired sessions and abandoned sign-ins, forget idle limits'))
    return {'storage_secret': secret,
            'session_middleware_kwargs': {'https_only': settings.https, 'same_site': 'lax', 'path': '/',
                                          'session_cookie': settings.session_cookie,
                                          'max_age': settings.session_max_hours * 3600}}


def cookie_secret(settings: Settings) -> str:
    """The configured storage secret whenever one is given; the demo's own, kept beside the store, otherwise."""
    return settings.storage_secret or demo_storage_secret(settings.data_dir)


def refuse_demo_on_a_real_directory(settings: Settings, services: Services) -> None:
    """The demo signs anyone in as its accounts: never on a store of other people, unless MYPROFILE_DEMO says so."""
    others = services.admin.people_other_than(account.subject for account in ACCOUNTS)
    if others and not settings.demo:
        raise SettingsError(f'No identity provider is configured (MYPROFILE_OIDC_ISSUER), so the demo provider would '
                            f'start, but the store {settings.db} holds {others} people who are not demo accounts. '
                            f'Set MYPROFILE_OIDC_ISSUER (and the client settings), or MYPROFILE_DEMO=1 to serve the '
                            f'demo on this store anyway.')


def _relying_party_config(settings: Settings, services: Services) -> RelyingPartyConfig:
    if not settings.demo_provider:
        return RelyingPartyConfig(issuer=settings.oidc_issuer, client_id=settings.oidc_client_id,
                                  client_secret=settings.oidc_client_secret, redirect_uri=settings.redirect_uri,
                                  allowed_algorithms=settings.allowed_algorithms,
                                  token_auth_method=settings.oidc_token_auth_method)
    refuse_demo_on_a_real_directory(settings, services)
    if services.admin.seed_if_empty(DIRECTORY):  # and an invitation waiting for Megan, to accept or decline
        services.invitations.invite(DEMO_INVITATION.organization, DEMO_INVITATION.email,
                                    invited_by=DEMO_INVITATION.invited_by)
    client_secret = secrets.token_urlsafe(32)
    issuer = f'{settings.public_url}{PREFIX}'
    provider = demo_idp.DemoProvider(demo_idp.DemoProviderConfig(
        issuer=issuer, client_id=DEMO_CLIENT_ID, client_secret=client_secret,
        redirect_uris=(settings.redirect_uri,), post_logout_redirect_uris=(f'{settings.public_url}/signed-out',),
        accounts=provider_accounts(ACCOUNTS), key_path=settings.data_dir / 'demo-provider-key.json'))
    routes = demo_provider_routes(provider)
    app.router.routes[:0] = routes
    in_process = httpx2.ASGITransport(app=Starlette(routes=routes))
    return RelyingPartyConfig(issuer=issuer, client_id=DEMO_CLIENT_ID, client_secret=client_secret,
                              redirect_uri=settings.redirect_uri, transport=in_process)


def provider_accounts(accounts: tuple[DemoAccount, ...]) -> tuple[demo_idp.DemoAccount, ...]:
    """The demo directory's accounts as the demo provider knows them; their descriptions are its texts."""
    return tuple(demo_idp.DemoAccount(subject=account.subject, name=account.name, email=account.email,
                                      home=account.home, description_key=account.description_key)
                 for account in accounts)

"""myprofile-portal: composition root and command line (serve, import, export, backup, restore, and the
membership commands: invite, revoke-invitation, reinstate, disable, enable, purge, removal-requests,
complete-removal, decline-removal)."""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

from data.errors import StoreError
from services.errors import PortalError
from services.settings import Settings, SettingsError, load_settings
from services.wiring import build_services, migrate_store, restore_store

log = logging.getLogger('myprofile')


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog='python main.py', description=__doc__)
    commands = parser.add_subparsers(dest='command')
    commands.add_parser('serve', help='start the web app (the default)')
    commands.add_parser('migrate', help="bring the PostgreSQL store's schema (MYPROFILE_DATABASE_URL) up to date")
    for name, help_text, metavar in (
            ('import', 'merge a directory JSON file into the store (with a progress bar)', 'FILE'),
            ('export', 'write the whole directory to a JSON file', 'FILE'),
            ('backup', 'copy the whole store (audit trail included) to one file, safely while the app runs',
             'DEST'),
            ('restore', 'replace the store by a backup, after checking all of it (the running app follows)',
             'SRC')):
        commands.add_parser(name, help=help_text).add_argument('file', type=Path, metavar=metavar)
    for name, help_text in MEMBERSHIP_COMMANDS.items():
        membership = commands.add_parser(name, help=help_text)
        membership.add_argument('subject', help="the person's subject (their ID token's sub)")
        membership.add_argument('org_id', help='the organization ID')
    commands.add_parser('purge', help='remove for good the left memberships past their retention period '
                                      '(the running app also does this once a day)')
    invite = commands.add_parser('invite', help='invite an e-mail address to an organization; prints the link last')
    invite.add_argument('org_id')
    invite.add_argument('email')
    invite.add_argument('--days', type=int, help='how long the link can be used (default MYPROFILE_INVITATION_DAYS)')
    revoke = commands.add_parser('revoke-invitation', help="withdraw an address's pending invitation")
    revoke.add_argument('org_id')
    revoke.add_argument('email')
    commands.add_parser('removal-requests', help="list the open removal requests, oldest first")
    commands.add_parser('complete-removal', help='remove the person, as the request asks (kept for retention)') \
        .add_argument('request_id')
    decline = commands.add_parser('decline-removal', help='decline a removal request with an answer the person reads')
    decline.add_argument('request_id')
    decline.add_argument('--answer', required=True, help='why (at most 500 characters)')
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
        if args.command == 'migrate':
            print(migrate_store(settings))
        elif args.command in ADMIN_COMMANDS:
            ADMIN_COMMANDS[args.command](settings, args.file)
        elif args.command in MEMBERSHIP_COMMANDS:
            membership_command(settings, args.command, args.subject, args.org_id)
        elif args.command in LIFECYCLE_COMMANDS:
            LIFECYCLE_COMMANDS[args.command](settings, args)
        else:
            serve(settings)
    except (SettingsError, StoreError) as error:
        print(f'error: {error}', file=sys.stderr)
        return 2
    except PortalError as error:
        print(f'error: {error}', file=sys.stderr)
        return 1
    return 0


def import_command(settings: Settings, file: Path) -> None:
    with progress_bars() as progress:
        result = build_services(settings).admin.import_file(file, progress=progress)
    print(f'Imported {file}: {result.organizations} organizations, {result.people} people, '
          f'{result.memberships} memberships; {result.people_changed} people changed.')


def export_command(settings: Settings, file: Path) -> None:
    count = build_services(settings).admin.export_file(file)
    print(f'Exported the directory to {file} ({count} memberships).')


def backup_command(settings: Settings, file: Path) -> None:
    counts = build_services(settings).admin.backup(file)
    print(f'Backed up the store to {file}: {counts.organizations} organizations, {counts.people} people, '
          f'{counts.memberships} memberships, and the audit trail.')


def restore_command(settings: Settings, file: Path) -> None:
    with progress_bars() as progress:
        counts = restore_store(settings, file, progress=progress)
    print(f'Restored the store from {file}: {counts.organizations} organizations, {counts.people} people, '
          f'{counts.memberships} memberships. A running app shows the restored directory within a second.')


MEMBERSHIP_COMMANDS = {
    'reinstate': 'restore a left membership within its retention period',
    'disable': 'disable a membership: the person still sees it but cannot leave it on their own',
    'enable': 'enable a disabled membership again',
}


def membership_command(settings: Settings, command: str, subject: str, org_id: str) -> None:
    memberships = build_services(settings).memberships
    change = {'reinstate': memberships.reinstate, 'disable': memberships.disable, 'enable': memberships.enable}
    membership = change[command](subject, org_id, actor='operator')
    print(f'{command.capitalize()}d: {subject} in {org_id} is now {membership.state}. '
          f'Open pages show it within a second.')


def purge_command(settings: Settings, args: argparse.Namespace) -> None:
    removed = build_services(settings).memberships.purge()
    print(f'Purged {removed} left membership(s) past the retention period of {settings.retention_days} days.')


def removal_requests_command(settings: Settings, args: argparse.Namespace) -> None:
    services = build_services(settings)
    requests = services.removals.open_requests()
    for request in requests:
        org = services.store.organization(request.organization)
        message = f' "{request.message}"' if request.message else ''
        print(f'{request.id}  {request.created}  {request.subject} asks {org.name if org else request.organization} '
              f'({request.organization}){message}')
    print(f'{len(requests)} open removal request(s).')


def complete_removal_command(settings: Settings, args: argparse.Namespace) -> None:
    done = build_services(settings).removals.complete(args.request_id, actor='operator')
    print(f'Completed: {done.subject} is no longer a member of {done.organization} (kept for '
          f'{settings.retention_days} days, during which `reinstate` can undo it).')


def decline_removal_command(settings: Settings, args: argparse.Namespace) -> None:
    declined = build_services(settings).removals.decline(args.request_id, args.answer, actor='operator')
    print(f'Declined: {declined.subject} stays a member of {declined.organization} and sees your answer.')


def invite_command(settings: Settings, args: argparse.Namespace) -> None:
    issued = build_services(settings).invitations.invite(args.org_id, args.email, invited_by='operator',
                                                         days=args.days)
    print(f'Invited {issued.invitation.email} to {issued.invitation.organization} until {issued.invitation.expires}. '
          f'Send them this link (it works once and is not shown again):')
    print(issued.link)


def revoke_invitation_command(settings: Settings, args: argparse.Namespace) -> None:
    revoked = build_services(settings).invitations.revoke(args.org_id, args.email, actor='operator')
    print(f'Withdrew the invitation of {revoked.email} to {revoked.organization}; its link no longer works.')


LIFECYCLE_COMMANDS = {'invite': invite_command, 'revoke-invitation': revoke_invitation_command,
                    'purge': purge_command, 'removal-requests': removal_requests_command,
                    'complete-removal': complete_removal_command, 'decline-removal': decline_removal_command}

ADMIN_COMMANDS = {'import': import_command, 'export': export_command, 'backup': backup_command,
                  'restore': restore_command}


@contextlib.contextmanager
def progress_bars() -> Iterator[Callable[[str, int, int], None]]:
    """One bar on stderr per phase of a long command (validating, journal, files...)."""
    from tqdm import tqdm  # noqa: PLC0415  (only the long admin commands draw bars)

    bars: dict[str, tqdm] = {}

    def progress(phase: str, done: int, total: int) -> None:
        bar = bars.get(phase)
        if bar is None:
            for other in bars.values():
                other.close()
            bar = bars[phase] = tqdm(total=total or None, desc=PHASES.get(phase, phase), file=sys.stderr,
                                     unit='', unit_scale=True, mininterval=0.25, dynamic_ncols=True)
        bar.update(done - bar.n)

    try:
        yield progress
    finally:
        for bar in bars.values():
            bar.close()


PHASES = {'validating': 'checking the file', 'journal': 'journal', 'files': 'writing shards',
          'index': 'indexing', 'opening': 'opening the store', 'writing': 'writing shards'}


def serve(settings: Settings) -> None:
    os.environ.setdefault('NICEGUI_STORAGE_PATH', str(settings.data_dir / 'nicegui'))
    # NiceGUI's own storage stays local even with MYPROFILE_REDIS_URL: the portal keeps nothing in it (sessions,
    # sign-ins in flight and limits are ours, in Redis), and NiceGUI's Redis storage holds a Redis connection per open
    # tab and, for ~10 s, per request without a cookie: a flood of anonymous requests would exhaust Redis's clients.
    # imported here: NiceGUI reads NICEGUI_STORAGE_PATH on import, and the admin commands need no web stack
    from nicegui import ui  # noqa: PLC0415

    from ui.http_limits import bounded_protocol  # noqa: PLC0415
    from ui.portal_app import mount_portal  # noqa: PLC0415

    services = build_services(settings)
    run_options = mount_portal(settings, services)
    if settings.demo_provider:
        log.warning('No identity provider configured: serving the DEMO identity provider at %s/demo-idp',
                    settings.public_url)
    ui.run(host=settings.host, port=settings.port, title='My Profile', reload=False, show=False,
           language='en-US', favicon='🏢', reconnect_timeout=10, access_log=False,
           server_header=False,  # no "server: uvicorn" to tell attackers what to try
           proxy_headers=False,  # X-Forwarded-* are applied by ui/forwarded_headers.py, from trusted proxies only
           http=bounded_protocol(header_timeout=settings.header_timeout_seconds),  # 431 for huge heads
           limit_concurrency=settings.max_connections, timeout_keep_alive=5, **run_options)


if __name__ in {'__main__', '__mp_main__'}:
    logging.basicConfig(level=logging.INFO, format='%(asctime)s %(levelname)s %(name)s: %(message)s')
    # NiceGUI's test `user` fixture runs this file inside pytest, whose command line is in sys.argv
    simulated = bool(os.environ.get('NICEGUI_USER_SIMULATION')) and 'pytest' in sys.modules
    code = main([] if simulated else sys.argv[1:])
    if code and not simulated:
        sys.exit(code)

"""myprofile-portal: composition root and command line (serve, import, export)."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from data.errors import StoreError
from services.errors import PortalError
from services.settings import Settings, SettingsError, load_settings
from services.wiring import build_services

log = logging.getLogger('myprofile')


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog='python main.py', description=__doc__)
    commands = parser.add_subparsers(dest='command')
    commands.add_parser('serve', help='start the web app (the default)')
    import_command = commands.add_parser('import', help='merge a directory JSON file into the store')
    import_command.add_argument('file', type=Path)
    export_command = commands.add_parser('export', help='write the whole directory to a JSON file')
    export_command.add_argument('file', type=Path)
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
        if args.command == 'import':
            result = build_services(settings).admin.import_file(args.file)
            print(f'Imported {args.file}: {result.organizations} organizations, {result.people} people, '
                  f'{result.memberships} memberships; {result.people_changed} people changed.')
        elif args.command == 'export':
            count = build_services(settings).admin.export_file(args.file)
            print(f'Exported the directory to {args.file} ({count} memberships).')
        else:
            serve(settings)
    except (SettingsError, StoreError) as error:
        print(f'error: {error}', file=sys.stderr)
        return 2
    except PortalError as error:
        print(f'error: {error}', file=sys.stderr)
        return 1
    return 0


def serve(settings: Settings) -> None:
    os.environ.setdefault('NICEGUI_STORAGE_PATH', str(settings.data_dir / 'nicegui'))
    # imported here: NiceGUI reads NICEGUI_STORAGE_PATH on import, and the admin commands need no web stack
    from nicegui import ui  # noqa: PLC0415

    from ui.portal_app import mount_portal  # noqa: PLC0415

    services = build_services(settings)
    run_options = mount_portal(settings, services)
    if settings.demo_provider:
        log.warning('No identity provider configured: serving the DEMO identity provider at %s/demo-idp',
                    settings.public_url)
    ui.run(host=settings.host, port=settings.port, title='My Profile', reload=False, show=False,
           language='en-US', favicon='🏢', reconnect_timeout=10, access_log=False, **run_options)


if __name__ in {'__main__', '__mp_main__'}:
    logging.basicConfig(level=logging.INFO, format='%(asctime)s %(levelname)s %(name)s: %(message)s')
    # NiceGUI's test `user` fixture runs this file inside pytest, whose command line is in sys.argv
    simulated = bool(os.environ.get('NICEGUI_USER_SIMULATION')) and 'pytest' in sys.modules
    code = main([] if simulated else sys.argv[1:])
    if code and not simulated:
        sys.exit(code)

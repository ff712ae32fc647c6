"""The floor of the page benchmark: the Organizations page as a competent NiceGUI developer writes it, bare.

    python bench/floor_app.py --port 8123 --data bench/out/pages/directory-5.json

No sign-in, no store, no translations, no rules: `/organizations?person=SUBJECT` shows that person's cards from
the directory file (the import format), a leave removes the membership from memory and deletes the card on every
open tab of that person, and `/reset?person=SUBJECT` restores the person's memberships from the file for the next
round. Same cards and the same DOM hooks as the portal (`data-org-id`, `button.portal-leave`, an alertdialog with
`.portal-leave-confirm`), so the benchmark drives both with one script: what the portal costs above this is its
own.
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from pathlib import Path
from typing import Any

import orjson
from nicegui import Event, app, ui

ORGS: dict[str, dict[str, Any]] = {}
PEOPLE: dict[str, dict[str, Any]] = {}
IN_FILE: dict[str, dict[str, str | None]] = defaultdict(dict)  # subject -> organization id -> joined
memberships: dict[str, dict[str, str | None]] = {}
left = Event()  # (subject, organization id): every open tab of that person drops the card


def load(path: Path) -> None:
    document = orjson.loads(path.read_bytes())
    ORGS.update((o['id'], o) for o in document['organizations'])
    PEOPLE.update((p['subject'], p) for p in document['people'])
    for m in document['memberships']:
        IN_FILE[m['subject']][m['organization']] = m.get('joined')
    memberships.update((subject, dict(IN_FILE[subject])) for subject in PEOPLE)


@app.api_route('/reset', methods=['GET', 'POST'])
def reset(person: str) -> dict[str, int]:
    memberships[person] = dict(IN_FILE[person])
    return {'memberships': len(memberships[person])}


@ui.page('/organizations')
def organizations_page(person: str) -> None:
    cards: dict[str, ui.card] = {}

    async def leave(org: dict[str, Any]) -> None:
        with ui.dialog().props('role=alertdialog') as dialog, ui.card():
            ui.label(f'Leave {org["name"]}? This cannot be undone.')
            with ui.row().classes('w-full justify-end'):
                ui.button('Cancel', on_click=lambda: dialog.submit(False)).props('flat').classes('portal-leave-cancel')
                confirm = ui.button('Leave', on_click=lambda: dialog.submit(True)).props('color=negative')
                confirm.classes('portal-leave-confirm').props['aria-label'] = f'Leave {org["name"]}'
        confirmed = await dialog
        dialog.delete()
        if confirmed and memberships[person].pop(org['id'], False) is not False:
            left.emit(person, org['id'])

    def card(org: dict[str, Any], joined: str | None = None, *, home: bool = False) -> None:
        with ui.card().classes('w-full portal-card') as cards[org['id']]:
            cards[org['id']].props['data-org-id'] = org['id']
            ui.label(org['name']).classes('text-h6').props('role=heading aria-level=3')
            ui.label(org.get('domain', ''))
            with ui.row().classes('items-center'):
                ui.label(org['id']).classes('font-mono')
                ui.button(icon='content_copy', on_click=lambda: ui.clipboard.write(org['id'])).props('flat dense')
            if joined:
                ui.label(f'Joined {joined}')
            if org.get('privacy_url'):
                ui.link('Privacy statement', org['privacy_url'], new_tab=True)
            if org.get('contact'):
                ui.label(org['contact'])
            if not home:
                button = ui.button('Leave', on_click=lambda: leave(org)).classes('portal-leave')
                button.props['aria-label'] = f'Leave organization {org["name"]}'

    def drop(subject: str, org_id: str) -> None:
        if subject == person and org_id in cards:
            cards.pop(org_id).delete()

    with ui.header().classes('items-center'):
        ui.label('My Profile').classes('text-h6')
    with ui.left_drawer(bordered=True):
        ui.link('Overview', '/')
        ui.link('Organizations', '/organizations')
    ui.label('Organizations').classes('text-h4').props('role=heading aria-level=1')
    card(ORGS[PEOPLE[person]['home']], home=True)
    for org_id, joined in memberships[person].items():
        card(ORGS[org_id], joined)
    left.subscribe(drop)


if __name__ in {'__main__', '__mp_main__'}:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--port', type=int, required=True)
    parser.add_argument('--data', type=Path, required=True)
    args = parser.parse_args()
    load(args.data)
    ui.run(host='127.0.0.1', port=args.port, title='My Profile (floor)', reload=False, show=False)

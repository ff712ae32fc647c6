"""Directory files for the page benchmark, in the import format: the demo's three people, Adele with N guest orgs.

The portal runs in demo mode, whose identity provider signs in only the three demo accounts, so the measured
person is Adele (subject `demo-adele-vance`, home Contoso) and the crowd of other open pages belongs to Megan and
Lidia (5 guest organizations each). The demo organizations are in the file so it validates on an empty store,
and the three people are in it because a non-empty store skips the demo seed.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import asdict
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import orjson

from services.demo_directory import ACCOUNTS, DIRECTORY

ADELE, MEGAN, LIDIA = (account.subject for account in ACCOUNTS)
CROWD_GUESTS = 5


def scenario_document(guests: int, *, seed: int = 11) -> dict[str, list[dict[str, Any]]]:
    """Adele is a guest in `guests` generated organizations; Megan and Lidia in 5 each (the first ones)."""
    rng = random.Random(seed)
    generated = [_organization(rng, i) for i in range(max(guests, CROWD_GUESTS))]
    organizations = [_without_none(asdict(o)) for o in DIRECTORY.organizations] + generated
    people = [_without_none(asdict(p)) for p in DIRECTORY.people]
    first_day = date(2020, 1, 1)

    def joined() -> str:
        return (first_day + timedelta(days=rng.randrange(2000))).isoformat()

    memberships = [{'subject': ADELE, 'organization': o['id'], 'joined': joined()} for o in generated[:guests]]
    for subject in (MEGAN, LIDIA):
        memberships += [{'subject': subject, 'organization': o['id'], 'joined': joined()}
                        for o in generated[:CROWD_GUESTS]]
    return {'organizations': organizations, 'people': people, 'memberships': memberships}


def write_scenario(folder: Path, guests: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f'directory-{guests}.json'
    path.write_bytes(orjson.dumps(scenario_document(guests)))
    return path


def write_restore_file(path: Path, membership: dict[str, Any]) -> Path:
    """One membership, for `main.py import` to bring a left organization back between rounds."""
    path.write_bytes(orjson.dumps({'organizations': [], 'people': [], 'memberships': [membership]}))
    return path


def guest_memberships(document: dict[str, list[dict[str, Any]]], subject: str) -> list[dict[str, Any]]:
    return [m for m in document['memberships'] if m['subject'] == subject]


def organization_names(document: dict[str, list[dict[str, Any]]]) -> dict[str, str]:
    return {o['id']: o['name'] for o in document['organizations']}


def _organization(rng: random.Random, i: int) -> dict[str, str]:
    return {'id': str(uuid.UUID(int=rng.getrandbits(128), version=4)), 'name': f'Organization {i:05d}',
            'domain': f'org{i:05d}.example', 'privacy_url': f'https://org{i:05d}.example/privacy',
            'contact': f'privacy@org{i:05d}.example'}


def _without_none(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if v is not None}

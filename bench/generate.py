"""Generate a directory file of a given size (10 memberships per person, 100 per organization), reproducibly."""

from __future__ import annotations

import argparse
import random
import uuid
from datetime import date, timedelta
from pathlib import Path

import orjson


def directory_document(memberships: int, *, seed: int = 4) -> dict[str, list[dict[str, str]]]:
    rng = random.Random(seed)
    people_count = max(1, memberships // 10)
    org_count = max(11, memberships // 100)

    def uid() -> str:
        return str(uuid.UUID(int=rng.getrandbits(128), version=4))

    organizations = [{'id': uid(), 'name': f'Organization {i:05d}', 'domain': f'org{i:05d}.example'}
                     for i in range(org_count)]
    people: list[dict[str, str]] = []
    links: list[dict[str, str]] = []
    first_day = date(2020, 1, 1)
    for i in range(people_count):
        subject, home = uid(), rng.randrange(org_count)
        people.append({'subject': subject, 'name': f'Person {i:06d}', 'email': f'person{i:06d}@example.org',
                       'home': organizations[home]['id']})
        per_person = min(10, memberships - len(links))
        for org in rng.sample([o for o in rng.sample(range(org_count), min(org_count, 11)) if o != home][:10],
                              per_person):
            links.append({'subject': subject, 'organization': organizations[org]['id'],
                          'joined': (first_day + timedelta(days=rng.randrange(2000))).isoformat()})
    return {'organizations': organizations, 'people': people, 'memberships': links}


def write_directory_file(path: Path, memberships: int) -> Path:
    """Write (once) the directory of `memberships` memberships to `path`."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(orjson.dumps(directory_document(memberships)))
    return path


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('memberships', type=int)
    parser.add_argument('file', type=Path)
    args = parser.parse_args()
    write_directory_file(args.file, args.memberships)

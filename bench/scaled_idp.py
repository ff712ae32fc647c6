"""The demo identity provider on its own, as the scaled-out portal's external OpenID Connect provider, with an
account for every person of the benchmark's directory (the portal's built-in demo provider signs in only its
three demo accounts, and each instance would run its own with its own client secret).

    python bench/scaled_idp.py PORT DIRECTORY_FILE PUBLIC_URL KEY_FILE     client secret in SCALED_IDP_SECRET

It is `demo_idp`, unchanged, served by uvicorn at http://127.0.0.1:PORT/demo-idp: the instances reach it by its
discovery document (MYPROFILE_OIDC_ISSUER), and every sign-in is the real authorization-code flow with PKCE.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import orjson
import uvicorn
from starlette.applications import Starlette

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from demo_idp import DemoAccount, DemoProvider, DemoProviderConfig
from demo_idp.web import PREFIX, demo_provider_routes
from services.demo_directory import ACCOUNTS

CLIENT_ID = 'myprofile-scaled-bench'
GENERIC_DESCRIPTION = 'demo_provider.sign_in.accounts'  # "Demo accounts": a text the provider has, for everyone else


def issuer(port: int) -> str:
    return f'http://127.0.0.1:{port}{PREFIX}'


def accounts(directory_file: Path) -> tuple[DemoAccount, ...]:
    """The demo accounts with their own descriptions, then every other person of the directory."""
    demo = {a.subject: a.description_key for a in ACCOUNTS}
    people = orjson.loads(directory_file.read_bytes())['people']
    return tuple(DemoAccount(subject=p['subject'], name=p['name'], email=p['email'], home=p['home'],
                             description_key=demo.get(p['subject'], GENERIC_DESCRIPTION)) for p in people)


def main(port: int, directory_file: Path, public_url: str, key_file: Path) -> None:
    provider = DemoProvider(DemoProviderConfig(
        issuer=issuer(port), client_id=CLIENT_ID, client_secret=os.environ['SCALED_IDP_SECRET'],
        redirect_uris=(f'{public_url}/auth/callback',), post_logout_redirect_uris=(f'{public_url}/signed-out',),
        accounts=accounts(directory_file), key_path=key_file))
    uvicorn.run(Starlette(routes=demo_provider_routes(provider)), host='127.0.0.1', port=port, log_level='warning')


if __name__ == '__main__':
    main(int(sys.argv[1]), Path(sys.argv[2]), sys.argv[3].rstrip('/'), Path(sys.argv[4]))

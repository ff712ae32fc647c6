"""The scaled-out set-up of the benchmark: a PostgreSQL database and a Redis database of its own, a generated
directory, the demo identity provider as the external issuer, two portal instances and nginx in front of them
(`deploy/nginx.conf.template`, ip_hash), started as `scripts/serve-scaled.sh` starts them, and torn down after.

nginx runs with either the first instance only or both behind it, on the same address (the instances' public
URL and the only Origin their live connection accepts), so "one instance" and "two instances" differ only in
the upstream list. The leave and sign-in rate limits are set out of the way, as for every benchmark portal
(`pages_servers.portal_environment`): a load generator's few addresses would otherwise meet the per-address
limit of 20 leaves a minute that a crowd of real people spread over many addresses does not.
"""

from __future__ import annotations

import html
import secrets
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import orjson
import psycopg
import redis
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict

from bench.generate import directory_document
from bench.pages_data import scenario_document
from bench.pages_servers import FORM_ACTION, HIDDEN, ROOT, Server, _start, free_port, portal_environment
from bench.postgres import SERVER as POSTGRES_SERVER
from bench.scaled_idp import CLIENT_ID, issuer
from deploy.nginx_config import write

NGINX = shutil.which('nginx') or '/usr/sbin/nginx'
REDIS_SERVER = 'redis://127.0.0.1:6379'
REDIS_DATABASES = range(12, 1, -1)  # 0: the tests' prefixes, 1: serve-scaled.sh, 13 and 15: the tests
REDIS_PREFIX = 'myprofile:'  # the product's own (data/redis_connection.py); the database is ours alone
PROBE_NETWORKS = 48  # candidate client addresses 127.0.K.1: ip_hash hashes the first three octets of an address


@dataclass
class ScaledOut:
    folder: Path
    proxy_url: str
    settings: dict[str, str]  # the environment every instance and administrator command shares
    directory_file: Path
    instances: list[Server] = field(default_factory=list)
    idp: Server | None = None
    nginx: subprocess.Popen | None = None
    behind: int = 0  # how many instances nginx sends to now

    def route_to(self, count: int) -> None:
        """(Re)start nginx with the first `count` instances as its upstream, on the same address."""
        self.stop_nginx()
        run_dir = self.folder / f'nginx-{count}'
        config = write(listen=self.proxy_url.removeprefix('http://'),
                       instances=[s.url.removeprefix('http://') for s in self.instances[:count]], run_dir=run_dir)
        self.nginx = subprocess.Popen([NGINX, '-c', str(config), '-e', str(run_dir / 'error.log')],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                if httpx.get(f'{self.proxy_url}/healthz', timeout=2).status_code == 200:
                    self.behind = count
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f'nginx did not start: {(run_dir / "error.log").read_text()[-2000:]}')

    def stop_nginx(self) -> None:
        if self.nginx is not None:
            self.nginx.terminate()
            self.nginx.wait(timeout=20)
            self.nginx = None

    def admin(self, *args: str) -> str:
        """`python main.py ARGS` on the shared database, as an administrator runs it."""
        done = subprocess.run([sys.executable, 'main.py', *args], cwd=ROOT, env=self.settings, capture_output=True,
                              text=True, timeout=600, check=False)
        if done.returncode:
            raise RuntimeError(f'main.py {" ".join(args)} failed: {done.stdout[-1000:]}{done.stderr[-2000:]}')
        return done.stdout

    def restore_memberships(self) -> float:
        """Bring every left membership back by importing the directory again (an administrator's import)."""
        start = time.perf_counter()
        self.admin('import', str(self.directory_file))
        return time.perf_counter() - start

    def upstreams(self, addresses: list[str]) -> dict[str, str]:
        """Which instance nginx sends each client address to: one request from each, found in the access logs."""
        for address in addresses:
            with httpx.Client(transport=httpx.HTTPTransport(local_address=address), timeout=10) as http:
                http.get(f'{self.proxy_url}/signed-out').raise_for_status()
        found: dict[str, str] = {}
        deadline = time.monotonic() + 10
        while len(found) < len(addresses) and time.monotonic() < deadline:
            logs = {s.name: s.log.read_text(errors='replace') for s in self.instances}
            found.update({address: name for address in addresses for name, log in logs.items()
                          if f"myprofile.access: {address} GET '/signed-out'" in log})
            time.sleep(0.2)
        return found

    def spread_addresses(self, per_instance: int) -> dict[str, list[str]]:
        """`per_instance` client addresses (127.0.K.1) for each instance nginx has behind it."""
        candidates = [f'127.0.{k}.1' for k in range(1, PROBE_NETWORKS + 1)]
        routes = self.upstreams(candidates)
        chosen = {s.name: [a for a in candidates if routes.get(a) == s.name][:per_instance]
                  for s in self.instances[:self.behind]}
        if any(len(a) < per_instance for a in chosen.values()):
            raise RuntimeError(f'ip_hash sent too few of {len(candidates)} addresses to some instance: {chosen}')
        return chosen

    def sign_in(self, subjects: list[str], parallel: int = 4) -> list[str]:
        """Each person signed in through the identity provider, as a browser would; their Cookie headers."""
        with ThreadPoolExecutor(parallel) as pool:
            return list(pool.map(self.sign_in_one, subjects))

    def sign_in_one(self, subject: str) -> str:
        """The authorization-code flow through nginx and the provider's form (as `pages_servers.http_sign_in`),
        stopping at the redirect to the signed-in page instead of loading it: a loaded page whose live connection
        never opens stays on the instance for a minute (NiceGUI prunes such pages after 60 s), and hundreds of
        them would be redrawn at every leave of their person and pruned in the middle of the measurements."""
        with httpx.Client(timeout=30) as http:
            prompt = http.get(f'{self.proxy_url}/auth/login', params={'next': '/organizations'},
                              follow_redirects=True)
            action = FORM_ACTION.search(prompt.text)
            if action is None:
                raise RuntimeError(f'no sign-in form at {prompt.url}')
            form = {html.unescape(k): html.unescape(v) for k, v in HIDDEN.findall(prompt.text)}
            answer = http.post(prompt.url.join(html.unescape(action[1])), data={**form, 'account': subject})
            while answer.is_redirect and answer.next_request is not None:
                if answer.next_request.url.path == '/organizations':
                    return '; '.join(f'{c.name}={c.value}' for c in http.cookies.jar)
                answer = http.send(answer.next_request)
            raise RuntimeError(f'sign-in of {subject} ended at {answer.url} ({answer.status_code})')


@contextmanager
def scaled_out(folder: Path, people: int) -> Iterator[ScaledOut]:
    """Database, Redis database, directory, identity provider, two instances; nginx is started by `route_to`."""
    shutil.rmtree(folder, ignore_errors=True)
    (folder / 'admin').mkdir(parents=True)
    proxy_url = f'http://127.0.0.1:{free_port()}'
    directory_file = write_directory(folder / 'directory.json', people)
    idp_port, idp_secret = free_port(), secrets.token_urlsafe(32)
    with postgres_database() as database_url, redis_database() as redis_url:
        settings = {**portal_environment(proxy_url, folder / 'admin' / 'directory.json'),
                    'MYPROFILE_DATABASE_URL': database_url, 'MYPROFILE_REDIS_URL': redis_url,
                    'MYPROFILE_STORAGE_SECRET': secrets.token_urlsafe(48), 'MYPROFILE_TRUSTED_PROXIES': '127.0.0.1',
                    'MYPROFILE_OIDC_ISSUER': issuer(idp_port), 'MYPROFILE_OIDC_CLIENT_ID': CLIENT_ID,
                    'MYPROFILE_OIDC_CLIENT_SECRET': idp_secret}
        setup = ScaledOut(folder=folder, proxy_url=proxy_url, settings=settings, directory_file=directory_file)
        try:
            setup.admin('migrate')
            setup.restore_memberships()  # the first import
            setup.idp = _start('idp', 'identity provider', f'http://127.0.0.1:{idp_port}',
                               [sys.executable, str(ROOT / 'bench' / 'scaled_idp.py'), str(idp_port),
                                str(directory_file), proxy_url, str(folder / 'idp-key.json')],
                               {**settings, 'SCALED_IDP_SECRET': idp_secret}, log_path=folder / 'idp.log',
                               probe='/demo-idp/.well-known/openid-configuration')
            for name in ('instance A', 'instance B'):
                setup.instances.append(start_instance(folder / name.replace(' ', '-'), name, settings))
            yield setup
        finally:
            setup.stop_nginx()
            for server in [*setup.instances, *([setup.idp] if setup.idp else [])]:
                server.stop()


def start_instance(folder: Path, name: str, shared: dict[str, str]) -> Server:
    """One instance with its own small folder (as scripts/run_scaled.py), everything shared in PostgreSQL/Redis."""
    folder.mkdir(parents=True)
    port = free_port()
    env = {**shared, 'MYPROFILE_HOST': '127.0.0.1', 'MYPROFILE_PORT': str(port),
           'MYPROFILE_DB': str(folder / 'directory.json'), 'NICEGUI_STORAGE_PATH': str(folder / 'nicegui')}
    return _start('portal', name, f'http://127.0.0.1:{port}', [sys.executable, 'main.py', 'serve'], env,
                  log_path=folder / 'portal.log', probe='/healthz')


def write_directory(path: Path, people: int) -> Path:
    """`people` generated people with 10 guest organizations each (bench/generate.py), every organization with
    privacy information so guests may leave on their own; plus the page benchmark's Adele with 5 (pages_data)."""
    bulk = directory_document(people * 10)
    for org in bulk['organizations']:
        number = org['name'].rsplit(' ', 1)[1]
        org.update(name=f'Bulk organization {number}', domain=f'bulk{number}.example',
                   privacy_url=f'https://bulk{number}.example/privacy', privacy_contact=f'privacy@bulk{number}.example')
    pages = scenario_document(5)
    document = {key: pages[key] + bulk[key] for key in ('organizations', 'people', 'memberships')}
    path.write_bytes(orjson.dumps(document))
    return path


def bulk_subjects(directory_file: Path) -> list[str]:
    """The generated people (not the demo's three), in file order."""
    pages = {p['subject'] for p in scenario_document(5)['people']}
    return [p['subject'] for p in orjson.loads(directory_file.read_bytes())['people'] if p['subject'] not in pages]


@contextmanager
def postgres_database() -> Iterator[str]:
    """A new database on the local server (as bench/postgres.py), dropped afterwards; its postgresql:// URL."""
    name = f'bench_scaled_{secrets.token_hex(4)}'
    with psycopg.connect(POSTGRES_SERVER, autocommit=True) as admin:
        admin.execute(sql.SQL('CREATE DATABASE {}').format(sql.Identifier(name)))
    parts = conninfo_to_dict(POSTGRES_SERVER)
    try:
        yield (f'postgresql://{parts.get("user", "postgres")}@{parts.get("host", "127.0.0.1")}:'
               f'{parts.get("port", 5432)}/{name}')
    finally:
        with psycopg.connect(POSTGRES_SERVER, autocommit=True) as admin:
            admin.execute(sql.SQL('DROP DATABASE IF EXISTS {} WITH (FORCE)').format(sql.Identifier(name)))


@contextmanager
def redis_database() -> Iterator[str]:
    """An empty Redis database nobody else uses (the product's key prefix is fixed); its keys deleted after."""
    for number in REDIS_DATABASES:
        client = redis.Redis.from_url(f'{REDIS_SERVER}/{number}')
        if client.dbsize() == 0:
            break
        client.close()
    else:
        raise RuntimeError(f'no empty Redis database among {list(REDIS_DATABASES)}')
    try:
        yield f'{REDIS_SERVER}/{number}'
    finally:
        keys = list(client.scan_iter(match=REDIS_PREFIX + '*', count=1000))
        for start in range(0, len(keys), 1000):
            client.delete(*keys[start:start + 1000])
        client.close()


def describe(setup: ScaledOut) -> dict[str, Any]:
    """Where things ran, for the report (no secrets)."""
    return {'proxy': setup.proxy_url, 'instances': {s.name: s.url for s in setup.instances},
            'database': setup.settings['MYPROFILE_DATABASE_URL'].rsplit('/', 1)[1],
            'redis_db': setup.settings['MYPROFILE_REDIS_URL'].rsplit('/', 1)[1]}

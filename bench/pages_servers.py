"""The servers under test, each in its own process on a free loopback port: the portal as the e2e tests start it,
and the floor app; plus what the runner reads from outside (CPU and RSS from /proc) and the HTTP-only sign-in.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
TICK = os.sysconf('SC_CLK_TCK')
HIDDEN = re.compile(r'<input type="hidden" name="([^"]*)" value="([^"]*)">')
FORM_ACTION = re.compile(r'<form method="post" action="([^"]*)">')


@dataclass
class Server:
    kind: str  # 'portal' or 'floor'
    name: str  # 'portal', 'floor', 'floor B'
    url: str
    process: subprocess.Popen
    db: Path | None = None  # the portal's store
    log: Path = field(default_factory=Path)

    def cpu_seconds(self) -> float:
        """utime + stime of the whole process (all threads), from /proc/PID/stat; resolution 1/CLK_TCK."""
        fields = Path(f'/proc/{self.process.pid}/stat').read_text().rsplit(')', 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICK

    def rss_kib(self) -> int:
        status = Path(f'/proc/{self.process.pid}/status').read_text()
        return int(next(line.split()[1] for line in status.splitlines() if line.startswith('VmRSS:')))

    def page_url(self, subject: str) -> str:
        return f'{self.url}/organizations' if self.kind == 'portal' else f'{self.url}/organizations?person={subject}'

    def run_admin(self, *args: str) -> None:
        """`python main.py ARGS` against this portal's store, as an administrator would (import to restore)."""
        assert self.db is not None
        subprocess.run([sys.executable, 'main.py', *args], cwd=ROOT, env=portal_environment(self.url, self.db),
                       capture_output=True, text=True, timeout=120, check=True)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        return probe.getsockname()[1]


def portal_environment(url: str, db: Path) -> dict[str, str]:
    """As tests/e2e/conftest.py: nothing inherited from MYPROFILE_*, NICEGUI_*, PYTEST_*; limits out of the way."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(('MYPROFILE_', 'NICEGUI_', 'PYTEST_'))}
    env.update(MYPROFILE_PUBLIC_URL=url, MYPROFILE_HOST='127.0.0.1', MYPROFILE_PORT=url.rsplit(':', 1)[1],
               MYPROFILE_DB=str(db), NICEGUI_STORAGE_PATH=str(db.parent / 'nicegui'),
               MYPROFILE_RATE_LIMIT_SIGN_INS='100000', MYPROFILE_RATE_LIMIT_LEAVES='100000')
    return env


def start_portal(folder: Path, directory_file: Path) -> Server:
    """A fresh store under `folder`, filled by `main.py import` before the server starts (so no demo seed)."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    url = f'http://127.0.0.1:{free_port()}'
    db = folder / 'var' / 'directory.json'
    with open(folder / 'import.log', 'w') as log:
        subprocess.run([sys.executable, 'main.py', 'import', str(directory_file)], cwd=ROOT,
                       env=portal_environment(url, db), stdout=log, stderr=subprocess.STDOUT, check=True)
    return _start('portal', 'portal', url, [sys.executable, 'main.py', 'serve'], portal_environment(url, db),
                  log_path=folder / 'portal.log', probe='/signed-out', db=db)


def start_floor(folder: Path, directory_file: Path, name: str = 'floor') -> Server:
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(('NICEGUI_', 'PYTEST_'))}
    env['NICEGUI_STORAGE_PATH'] = str(folder / f'nicegui-{name.replace(" ", "-")}')
    command = [sys.executable, str(ROOT / 'bench' / 'floor_app.py'), '--port', str(port), '--data',
               str(directory_file)]
    return _start('floor', name, f'http://127.0.0.1:{port}', command, env,
                  log_path=folder / f'{name.replace(" ", "-")}.log', probe='/reset?person=nobody')


def _start(kind: str, name: str, url: str, command: list[str], env: dict[str, str], *, log_path: Path,
           probe: str, db: Path | None = None) -> Server:
    log = open(log_path, 'w')
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    log.close()  # the child has its own copy
    server = Server(kind=kind, name=name, url=url, process=process, db=db, log=log_path)
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(url + probe, timeout=2).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            server.stop()
            raise RuntimeError(f'{name} did not start: {log_path.read_text()[-3000:]}')
        time.sleep(0.2)


def http_sign_in(url: str, subject: str) -> str:
    """Sign `subject` in through the demo provider's form with plain HTTP; returns the Cookie header to send."""
    with httpx.Client(follow_redirects=True, timeout=30) as http:
        prompt = http.get(f'{url}/organizations', headers={'Accept': 'text/html'})
        action = FORM_ACTION.search(prompt.text)
        if action is None:
            raise RuntimeError(f'no demo sign-in form at {prompt.url}')
        form = {html.unescape(k): html.unescape(v) for k, v in HIDDEN.findall(prompt.text)}
        done = http.post(httpx.URL(str(prompt.url)).join(html.unescape(action[1])),
                         data={**form, 'account': subject})
        if done.url.path != '/organizations' or done.status_code != 200:
            raise RuntimeError(f'sign-in of {subject} ended at {done.url} ({done.status_code})')
        return '; '.join(f'{cookie.name}={cookie.value}' for cookie in http.cookies.jar)

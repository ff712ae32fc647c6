"""Run two portal instances and nginx in front of them until Ctrl-C (started by `scripts/serve-scaled.sh`, which
sets the shared MYPROFILE_* variables). Each instance keeps its own small folder under var/scaled/ (its demo
provider's signing key, NiceGUI's local files); everything shared is in PostgreSQL and Redis."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from deploy.nginx_config import write  # noqa: E402 - after the repository is on the path

VAR = ROOT / 'var' / 'scaled'
INSTANCES = (('a', 8081), ('b', 8082))
PROXY = os.environ.get('MYPROFILE_SCALED_LISTEN', '127.0.0.1:8080')


def start_instance(name: str, port: int) -> subprocess.Popen:
    folder = VAR / name
    folder.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, 'MYPROFILE_HOST': '127.0.0.1', 'MYPROFILE_PORT': str(port), 'MYPROFILE_DEMO': '1',
           'MYPROFILE_DB': str(folder / 'directory.json'), 'NICEGUI_STORAGE_PATH': str(folder / 'nicegui')}
    log = (folder / 'portal.log').open('a')
    process = subprocess.Popen([sys.executable, 'main.py', 'serve'], cwd=ROOT, env=env, stdout=log,
                               stderr=subprocess.STDOUT)
    for _ in range(300):
        try:
            with urlopen(f'http://127.0.0.1:{port}/healthz', timeout=1) as answer:
                if answer.status == 200:
                    print(f'instance {name} ready on 127.0.0.1:{port} (log: {folder / "portal.log"})', flush=True)
                    return process
        except OSError:
            time.sleep(0.2)
        if process.poll() is not None:
            break
    raise SystemExit(f'instance {name} did not start; see {folder / "portal.log"}')


def stop_on_signal(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # SIGTERM (and SIGINT where a shell ignores it) stops everything as Ctrl-C does


def main() -> int:
    signal.signal(signal.SIGTERM, stop_on_signal)
    signal.signal(signal.SIGINT, stop_on_signal)
    nginx = shutil.which('nginx') or '/usr/sbin/nginx'
    processes: list[subprocess.Popen] = []
    try:
        for name, port in INSTANCES:  # one after the other: the first seeds the demo directory into an empty store
            processes.append(start_instance(name, port))
        config = write(listen=PROXY, instances=[f'127.0.0.1:{port}' for _, port in INSTANCES], run_dir=VAR / 'nginx')
        processes.append(subprocess.Popen([nginx, '-c', str(config), '-e', str(VAR / 'nginx' / 'error.log')]))
        print(f'nginx on http://{PROXY} in front of both instances; Ctrl-C stops everything', flush=True)
        while all(process.poll() is None for process in processes):
            time.sleep(0.5)
        return 1  # one of them stopped on its own
    except KeyboardInterrupt:
        return 0
    finally:
        for process in reversed(processes):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


if __name__ == '__main__':
    sys.exit(main())

"""Render `nginx.conf.template` for a set of instances: where nginx listens, the instances' addresses, and the
folder its pid, logs and temporary files go to (so it runs without root and without touching /etc)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

TEMPLATE = Path(__file__).with_name('nginx.conf.template')


def render(*, listen: str | Sequence[str], instances: list[str], run_dir: Path) -> str:
    """`listen`: e.g. `127.0.0.1:8080`, or several addresses (e.g. `['127.0.0.1:8080', '[::1]:8080']` for IPv4 and
    IPv6); `instances`: e.g. `['127.0.0.1:8081', '127.0.0.1:8082']`."""
    addresses = [listen] if isinstance(listen, str) else list(listen)
    if not addresses or not instances:
        raise ValueError('at least one address to listen on and one instance are needed')
    listens = '\n'.join(f'        listen {address};' for address in addresses)
    servers = '\n'.join(f'        server {address} max_fails=1 fail_timeout=10s;' for address in instances)
    return (TEMPLATE.read_text(encoding='utf-8').replace('{{RUN}}', str(run_dir.resolve()))
            .replace('{{LISTEN}}', listens).replace('{{SERVERS}}', servers))


def write(*, listen: str | Sequence[str], instances: list[str], run_dir: Path) -> Path:
    """The rendered configuration in `run_dir` (created), ready for `nginx -c`."""
    run_dir.mkdir(parents=True, exist_ok=True)
    target = run_dir / 'nginx.conf'
    target.write_text(render(listen=listen, instances=instances, run_dir=run_dir), encoding='utf-8')
    return target

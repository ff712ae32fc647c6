"""One throughput phase: nginx in front of one or two instances, the load generator processes started together,
measured over the same window as the CPU of every process that took part.

The clients are spread over the generator processes and over the chosen source addresses (as many reaching
instance A as instance B when both are behind nginx; with one instance behind it, the same addresses all reach
A). For leaves each generator gets people of its own, all with every membership active again (an administrator's
import before the phase); afterwards the database is asked how many memberships were left, which must be the
number of leaves the clients were told about.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from typing import Any

import psycopg

from bench import scaled_cpu as cpu
from bench.pages_report import stats
from bench.pages_servers import ROOT
from bench.scaled_setup import ScaledOut

START_DELAY = 3.0  # seconds for the generator processes to import their libraries before the common start


def run_phase(setup: ScaledOut, *, kind: str, behind: int, concurrency: int, addresses: list[str],
              cookies: list[str], plan: dict[str, Any]) -> dict[str, Any]:
    if setup.behind != behind:
        setup.route_to(behind)
    restored = setup.restore_memberships() if kind == 'leave' else None
    left_before = left_memberships(setup)
    generators = min(plan['generators'], concurrency)
    start_at = time.time() + START_DELAY
    jobs = [{'url': setup.proxy_url, 'kind': kind, 'start_at': start_at, 'warmup': plan['warmup'],
             'seconds': plan['seconds'], 'concurrency': concurrency // generators + (g < concurrency % generators),
             'addresses': addresses[g::generators] or addresses,
             'cookies': cookies[g::generators] if kind == 'leave' else cookies} for g in range(generators)]
    processes = [subprocess.Popen([sys.executable, str(ROOT / 'bench' / 'scaled_load.py')], cwd=ROOT,
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True) for _ in jobs]
    for process, job in zip(processes, jobs, strict=True):
        assert process.stdin is not None
        process.stdin.write(json.dumps(job))
        process.stdin.close()
    groups = process_groups(setup, [p.pid for p in processes])
    time.sleep(max(0.0, start_at + plan['warmup'] - time.time()))
    before = cpu.snapshot(groups)
    time.sleep(max(0.0, start_at + plan['warmup'] + plan['seconds'] - time.time()))
    after = cpu.snapshot(groups)
    results = []
    for process in processes:
        assert process.stdout is not None
        output = process.stdout.read()
        if process.wait(timeout=120) != 0 or not output:
            raise RuntimeError(f'a load generator failed (exit code {process.returncode})')
        results.append(json.loads(output))
    ms = [m for r in results for m in r['ms']]
    phase = {'kind': kind, 'behind': behind, 'concurrency': concurrency, 'generators': generators,
             'seconds': plan['seconds'], 'completed': sum(r['completed'] for r in results),
             'per_second': sum(r['completed'] for r in results) / plan['seconds'],
             'ms': stats(ms), 'samples_ms': ms, 'detail_ms': stats([m for r in results for m in r['detail_ms']]),
             'errors': sum(r['errors'] for r in results),
             'error_examples': sorted({e for r in results for e in r['error_examples']}),
             'ran_out': any(r['ran_out'] for r in results), 'cpu': cpu.shares(before, after),
             'told_left': sum(r['told_ok'] for r in results), 'restore_seconds': restored}
    if kind == 'leave':
        phase['left_in_database'] = left_memberships(setup) - left_before
    return phase


def pooled(phases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The repeats of each (kind, instances, clients) as one phase: completions over the summed time, latency
    samples together, CPU shares averaged (the repeats are equally long), counts summed."""
    keys = list(dict.fromkeys((p['kind'], p['behind'], p['concurrency']) for p in phases))
    result = []
    for kind, behind, concurrency in keys:
        same = [p for p in phases if (p['kind'], p['behind'], p['concurrency']) == (kind, behind, concurrency)]
        ms = [m for p in same for m in p['samples_ms']]
        groups = same[0]['cpu'].keys()
        result.append({'kind': kind, 'behind': behind, 'concurrency': concurrency, 'repeats': len(same),
                       'seconds': sum(p['seconds'] for p in same),
                       'per_second': sum(p['completed'] for p in same) / sum(p['seconds'] for p in same),
                       'ms': stats(ms), 'errors': sum(p['errors'] for p in same),
                       'ran_out': any(p['ran_out'] for p in same), 'told_left': sum(p['told_left'] for p in same),
                       'left_in_database': sum(p.get('left_in_database', 0) for p in same),
                       'cpu': {g: sum(p['cpu'][g] for p in same) / len(same) for g in groups}})
    return result


def process_groups(setup: ScaledOut, generators: list[int]) -> dict[str, cpu.Pids]:
    database = setup.settings['MYPROFILE_DATABASE_URL'].rsplit('/', 1)[1]
    groups: dict[str, cpu.Pids] = {s.name: (lambda pid=s.process.pid: [pid]) for s in setup.instances}
    nginx = setup.nginx
    groups |= {'nginx': lambda: cpu.tree(nginx.pid) if nginx is not None else [],
               'load generator': lambda: generators,
               'postgres (this database)': lambda: cpu.named('postgres', containing=f' {database} '),
               'postgres (rest of the server)': lambda: cpu.named('postgres', excluding=f' {database} '),
               'redis': lambda: cpu.named('redis-server')}
    return groups


def left_memberships(setup: ScaledOut) -> int:
    with psycopg.connect(setup.settings['MYPROFILE_DATABASE_URL']) as conn:
        return conn.execute("SELECT count(*) FROM memberships WHERE state = 'left'").fetchone()[0]

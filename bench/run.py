"""Benchmark of the store against the issue's targets, with the disk's floor and plain TinyDB as baselines.

    .venv/bin/python bench/run.py                         1k, 10k, 100k and 1M memberships (about 5 minutes)
    .venv/bin/python bench/run.py --sizes 1000,10000      smaller sizes only

For each size it generates the directory (10 memberships per person, about 100 per organization: see
`generate.py`), imports it with `python main.py import` (timed, progress bar sent to bench/out/*.log), then in
fresh processes measures the store and plain TinyDB, and prints one table with the ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
OUT = BENCH / 'out'
sys.path.insert(0, str(ROOT))

from bench.generate import write_directory_file  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--sizes', default='1000,10000,100000,1000000')
    parser.add_argument('--no-baseline', action='store_true', help='skip plain TinyDB (slow at 1M)')
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    print(f'# {machine()}')
    floor = measure('floor', OUT)['write']
    print(f'floor (write, fsync, rename, fsync folder): p50 {floor["p50"]:.2f} ms, p95 {floor["p95"]:.2f} ms, '
          f'max {floor["max"]:.2f} ms\n')
    rows = []
    for size in (int(s) for s in args.sizes.split(',')):
        file = write_directory_file(OUT / f'directory-{size}.json', size)
        ours = measure_ours(size, file)
        base = None if args.no_baseline else measure_baseline(size, file)
        rows.append((size, ours, base))
        print_table(floor, rows)


def measure_ours(size: int, file: Path) -> dict[str, Any]:
    folder = OUT / f'store-{size}'
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    store = folder / 'directory.json'
    env = {**os.environ, 'MYPROFILE_DB': str(store)}
    start = time.perf_counter()
    with open(OUT / f'import-{size}.log', 'w') as log:
        subprocess.run([sys.executable, 'main.py', 'import', str(file)], cwd=ROOT, env=env, stdout=log, stderr=log,
                       check=True)
    imported = time.perf_counter() - start
    return {**measure('ours', store), 'import_s': imported}


def measure_baseline(size: int, file: Path) -> dict[str, Any]:
    db = OUT / f'plain-tinydb-{size}.json'
    db.unlink(missing_ok=True)
    try:
        return {**measure('baseline-import', db, file), **measure('baseline', db)}
    finally:
        db.unlink(missing_ok=True)


def measure(kind: str, *paths: Path) -> dict[str, Any]:
    result = subprocess.run([sys.executable, str(BENCH / 'measure.py'), kind, *map(str, paths)], cwd=ROOT,
                            capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def print_table(floor: dict[str, float], rows: list[tuple[int, dict[str, Any], dict[str, Any] | None]]) -> None:
    def ms(s: dict[str, float]) -> str:
        return f'{s["p50"]:.3f} / {s["p95"]:.3f} / {s["max"]:.3f}'
    print('| memberships | store | open s | list p50 / p95 / max ms | leave p50 / p95 / max ms (n) | import s '
          '| peak RSS MiB | files MiB |')
    print('|---|---|---|---|---|---|---|---|')
    for size, ours, base in rows:
        for name, r in (('sharded', ours), ('plain TinyDB', base)):
            if r is not None:
                print(f'| {size:,} | {name} | {r["open_s"]:.2f} | {ms(r["list"])} | {ms(r["leave"])} '
                      f'({r["leave"]["n"]}) | {r["import_s"]:.1f} | {r["peak_mib"]:.0f} | {r["store_mib"]:.1f} |')
    print('\n| memberships | leave p95 / floor p95 | leave p50 / floor p50 | plain/sharded list p50 '
          '| plain/sharded leave p50 |')
    print('|---|---|---|---|---|')
    for size, ours, base in rows:
        speedups = (f'{base["list"]["p50"] / ours["list"]["p50"]:,.0f}x | '
                    f'{base["leave"]["p50"] / ours["leave"]["p50"]:,.0f}x') if base else '- | -'
        print(f'| {size:,} | {ours["leave"]["p95"] / floor["p95"]:.1f}x | {ours["leave"]["p50"] / floor["p50"]:.1f}x '
              f'| {speedups} |')
    print(flush=True)


def machine() -> str:
    cpu = next((line.split(':', 1)[1].strip() for line in Path('/proc/cpuinfo').read_text().splitlines()
                if line.startswith('model name')), platform.processor())
    memory = next((line.split()[1] for line in Path('/proc/meminfo').read_text().splitlines()
                   if line.startswith('MemTotal')), '0')
    return (f'{os.cpu_count()} cores ({cpu}), {int(memory) // 2**20} GiB RAM, Python {platform.python_version()}, '
            f'{platform.system()} {platform.release()}')


if __name__ == '__main__':
    main()

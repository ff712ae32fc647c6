"""Statistics and the markdown tables: one row per figure, the portal beside the floor of the same run."""

from __future__ import annotations

import math
import os
import platform
import statistics
from importlib.metadata import version
from pathlib import Path
from typing import Any


def stats(samples: list[float]) -> dict[str, float]:
    """Median and nearest-rank p95 (with 20 samples: the second largest)."""
    ordered = sorted(samples)
    if not ordered:
        return {'median': math.nan, 'p95': math.nan, 'n': 0}
    return {'median': statistics.median(ordered), 'p95': ordered[math.ceil(0.95 * len(ordered)) - 1],
            'n': len(ordered)}


def pick(samples: dict[str, list[Any]], key: str | None) -> dict[str, list[float]]:
    """The per-server list of one measure from a figure's rounds (rounds are dicts or plain numbers)."""
    return {name: [r if key is None else r[key] for r in rounds] for name, rounds in samples.items()}


def figure(rows: list[dict[str, Any]], label: str, unit: str, samples: dict[str, list[float]]) -> None:
    rows.append({'figure': label, 'unit': unit, 'stats': {name: stats(s) for name, s in samples.items()},
                 'samples': samples})


def table(rows: list[dict[str, Any]], left: str, right: str) -> str:
    lines = [f'| figure | {left} median / p95 | {right} median / p95 | ratio median / p95 |', '|---|---|---|---|']
    for row in rows:
        a, b = row['stats'].get(left), row['stats'].get(right)
        if a is None and b is None:
            continue
        lines.append(f'| {row["figure"]} ({row["unit"]}) | {_pair(a)} | {_pair(b)} | {_ratio(a, b)} |')
    return '\n'.join(lines)


def machine() -> dict[str, Any]:
    cpu = next((line.split(':', 1)[1].strip() for line in Path('/proc/cpuinfo').read_text().splitlines()
                if line.startswith('model name')), platform.processor())
    memory = next((line.split()[1] for line in Path('/proc/meminfo').read_text().splitlines()
                   if line.startswith('MemTotal')), '0')
    return {'cores': os.cpu_count(), 'cpu': cpu, 'ram_gib': int(memory) // 2**20,
            'python': platform.python_version(), 'nicegui': version('nicegui'), 'playwright': version('playwright'),
            'kernel': f'{platform.system()} {platform.release()}'}


def machine_line(m: dict[str, Any], chromium: str) -> str:
    return (f'{m["cores"]} cores ({m["cpu"]}), {m["ram_gib"]} GiB RAM, Python {m["python"]}, NiceGUI {m["nicegui"]}, '
            f'Chromium {chromium}, {m["kernel"]}')


def _pair(s: dict[str, float] | None) -> str:
    if s is None or not s['n']:
        return '-'
    return f'{_number(s["median"])} / {_number(s["p95"])}'


def _ratio(a: dict[str, float] | None, b: dict[str, float] | None) -> str:
    if not a or not b or not a['n'] or not b['n']:
        return '-'

    def one(x: float, y: float) -> str:
        return f'{x / y:.2f}x' if y > 0 else '-'
    return f'{one(a["median"], b["median"])} / {one(a["p95"], b["p95"])}'


def _number(x: float) -> str:
    if math.isnan(x):
        return '-'
    if abs(x) >= 1000:
        return f'{x:,.0f}'
    return f'{x:.1f}' if abs(x) >= 10 else f'{x:.2f}'

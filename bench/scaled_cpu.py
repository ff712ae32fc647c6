"""Where the machine's CPU went during a phase: each process group's share of one core, from /proc.

The groups are the two instances, nginx (master and workers), the load generator processes, PostgreSQL's backends
for the benchmark's database, the rest of the PostgreSQL server (WAL writer, checkpointer and other people's
databases), Redis, and everything else on the machine (the busy time in /proc/stat minus all of those). On a
machine of two cores, 200 % is everything there is.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

TICK = os.sysconf('SC_CLK_TCK')
Pids = Callable[[], list[int]]


@dataclass(frozen=True)
class Snapshot:
    at: float  # machine busy seconds (all cores), from /proc/stat
    total: float  # machine seconds (all cores, busy or not)
    groups: dict[str, dict[int, float]]  # group -> pid -> CPU seconds so far


def snapshot(groups: dict[str, Pids]) -> Snapshot:
    busy, total = _machine()
    return Snapshot(at=busy, total=total, groups={name: {pid: s for pid in pids() if (s := cpu_seconds(pid)) >= 0}
                                                  for name, pids in groups.items()})


def shares(before: Snapshot, after: Snapshot) -> dict[str, float]:
    """Per group, % of one core over the interval; 'machine' is all busy time, 'everything else' the rest of it."""
    cores = os.cpu_count() or 1
    wall = (after.total - before.total) / cores  # seconds of one core's clock
    result = {name: sum(seconds - before.groups[name].get(pid, 0.0) for pid, seconds in pids.items()) / wall * 100
              for name, pids in after.groups.items()}
    result['machine'] = (after.at - before.at) / wall * 100
    result['everything else'] = result['machine'] - sum(v for k, v in result.items() if k != 'machine')
    return result


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process (all its threads); -1 if it is gone."""
    try:
        fields = Path(f'/proc/{pid}/stat').read_text().rsplit(')', 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return -1.0
    return (int(fields[11]) + int(fields[12])) / TICK


def tree(pid: int) -> list[int]:
    """A process and its descendants (nginx: the master and its workers)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for task in Path(f'/proc/{current}/task').glob('*/children'):
            try:
                todo += [int(child) for child in task.read_text().split()]
            except FileNotFoundError:
                pass
    return found


def named(command: str, *, containing: str = '', excluding: str = '') -> list[int]:
    """Processes whose name is `command`, whose command line contains `containing` and not `excluding`."""
    pids = []
    for entry in Path('/proc').iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if (entry / 'comm').read_text().strip() != command:
                continue
            line = (entry / 'cmdline').read_bytes().replace(b'\0', b' ').decode(errors='replace')
        except (FileNotFoundError, ProcessLookupError):
            continue
        if containing in line and not (excluding and excluding in line):
            pids.append(int(entry.name))
    return pids


def _machine() -> tuple[float, float]:
    values = [int(v) for v in Path('/proc/stat').read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    total = sum(values[:8])  # user nice system idle iowait irq softirq steal
    return (total - idle) / TICK, total / TICK

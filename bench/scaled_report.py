"""The scale-out benchmark's tables: throughput of one instance and of two, where the CPU went, what this machine
allows at all, and the pages of the scaled-out set-up beside the single-process portal's."""

from __future__ import annotations

from typing import Any

from bench import pages_report as report
from bench.scaled_throughput import pooled

GOAL = 1.7
BUSY = 20.0  # % of one core used by other processes, on average over the phases, above which the report warns
KINDS = {'load': 'page loads', 'leave': 'leaves'}
GROUPS = ('instance A', 'instance B', 'nginx', 'load generator', 'postgres (this database)', 'redis')
README = {'buttons': '154 / 177 ms', 'memory': '232 / 274 KiB'}  # the live-UI issue's single-process figures


def markdown(result: dict[str, Any]) -> str:
    m, plan = result['machine'], result['plan']
    phases = pooled(result['phases'])
    repeats = plan.get('repeats', 1)
    lines = [f'# {report.machine_line(m, result["chromium"])}',
             f'# {len(phases)} phases, each {repeats} x {plan["seconds"]:.0f} s (after {plan["warmup"]:.0f} s '
             f'warm-up; one instance and two alternating), '
             f'{plan["generators"]} load generator processes, {plan["people"]} people signed in; '
             f'total {result["seconds"] / 60:.1f} min; raw figures in bench/out/scaled.json', '',
             '## Throughput: one instance against two, behind the same nginx', '',
             '| what | clients | one instance: per s, p50 / p95 ms | two instances: per s, p50 / p95 ms | '
             'two / one | per second of instance CPU: one / two | errors |', '|---|---|---|---|---|---|---|']
    for kind, label in KINDS.items():
        for level in plan['levels']:
            one, two = _phase(phases, kind, 1, level), _phase(phases, kind, 2, level)
            if one and two:
                lines.append(f'| {label} | {level} | {_rate(one)} | {_rate(two)} | '
                             f'{two["per_second"] / one["per_second"]:.2f}x | '
                             f'{_per_instance_core(one):.0f} / {_per_instance_core(two):.0f} | '
                             f'{one["errors"]} / {two["errors"]} |')
    lines += ['', '| what | one instance: best per s (its p95) | two instances: best per s with p95 ≤ that | '
              f'two / one at the same p95 | goal ≥ {GOAL}x | ceiling of {m["cores"]} idle cores (estimate) |',
              '|---|---|---|---|---|---|']
    for kind, label in KINDS.items():
        lines.append(_same_p95_row(phases, kind, label, m['cores']))
    others = sum(p['cpu']['everything else'] for p in phases) / len(phases) if phases else 0.0
    if others > BUSY:
        lines += ['', f'**The machine was busy with other work: {others:.0f} % of one core on average went to '
                      f'processes outside this benchmark during the phases. The instances got what the scheduler '
                      f'left them, so these ratios are not the set-up\'s; rerun on a quiet machine.**']
    lines += ['', '## CPU during each phase (% of one core; the machine has '
              f'{m["cores"]} cores = {m["cores"] * 100} %)', '',
              f'| phase | {" | ".join(GROUPS)} | postgres (rest of the server) | everything else | machine |',
              '|---|' + '---|' * (len(GROUPS) + 3)]
    for p in phases:
        c = p['cpu']
        lines.append(f'| {KINDS[p["kind"]]}, {p["behind"]} instance(s), {p["concurrency"]} clients | '
                     + ' | '.join(f'{c.get(g, 0):.0f}' for g in GROUPS)
                     + f' | {c["postgres (rest of the server)"]:.0f} | {c["everything else"]:.0f} | '
                       f'{c["machine"]:.0f} |')
    for kind, label in KINDS.items():
        per_op = cpu_per_operation(phases, kind)
        if per_op:
            instances = per_op.pop('instance A') + per_op.pop('instance B')
            lines.append(f'\nCPU per {label[:-1]} in the busiest two-instance phase (ms): instances {instances:.1f}, '
                         + ', '.join(f'{g} {ms:.1f}' for g, ms in per_op.items()) + '.')
    leaves = [p for p in phases if p['kind'] == 'leave']
    told, stored = sum(p['told_left'] for p in leaves), sum(p['left_in_database'] for p in leaves)
    lines += ['', f'Leaves the clients were told about: {told:,}; memberships left in the database over the same '
              f'phases: {stored:,}{"" if told == stored else " (they differ!)"}.']
    if any(p['ran_out'] for p in phases):
        lines.append('**Some leave phase ran out of people with cards: raise `people` in the plan.**')
    lines += ['', '## Pages: the scaled-out set-up against the single-process portal, same run (Chromium)', '',
              report.table(result['rows'], 'scaled', 'single'), '',
              f'The live-UI issue\'s single-process figures (README): page load {README["buttons"]}, memory per '
              f'open idle page {README["memory"]} (median / p95).']
    return '\n'.join(lines)


def phase_line(p: dict[str, Any]) -> str:
    extra = f', left in the database {p["left_in_database"]} of {p["told_left"]} told' if p['kind'] == 'leave' else ''
    return (f'{KINDS[p["kind"]]}, {p["behind"]} instance(s), {p["concurrency"]} clients: {_rate(p)}, '
            f'{p["errors"]} errors{extra}; CPU A {p["cpu"]["instance A"]:.0f} %, B {p["cpu"]["instance B"]:.0f} %, '
            f'generator {p["cpu"]["load generator"]:.0f} %, everything else {p["cpu"]["everything else"]:.0f} %')


def cpu_per_operation(phases: list[dict[str, Any]], kind: str) -> dict[str, float]:
    """Milliseconds of CPU per operation for each group taking part, in the busiest two-instance phase."""
    two = [p for p in phases if p['kind'] == kind and p['behind'] == 2 and p['per_second'] > 0]
    if not two:
        return {}
    p = max(two, key=lambda q: q['per_second'])
    return {g: p['cpu'].get(g, 0.0) * 10 / p['per_second'] for g in GROUPS}


def ceiling(phases: list[dict[str, Any]], kind: str, cores: int) -> tuple[float, float] | None:
    """The best ratio these cores allow when nothing else runs on them, from the CPU each operation cost in the
    busiest two-instance phase: one instance uses at most one core (one Python process: one event loop, one
    interpreter lock), two use at most two, and everything that takes part (instances, nginx, PostgreSQL, Redis
    and, for the first figure, the load generator) must fit into `cores` cores.
    Returns (load generator on the same cores, load generator elsewhere)."""
    per_op = {g: ms / 1000 for g, ms in cpu_per_operation(phases, kind).items()}  # core-seconds per operation
    if not per_op:
        return None
    instance = per_op['instance A'] + per_op['instance B']
    answers = []
    for groups in (GROUPS, tuple(g for g in GROUPS if g != 'load generator')):
        everything = sum(per_op[g] for g in groups)
        one = min(1 / instance, cores / everything)
        two_max = min(2 / instance, cores / everything)
        answers.append(two_max / one)
    return answers[0], answers[1]


def _same_p95_row(phases: list[dict[str, Any]], kind: str, label: str, cores: int) -> str:
    ones = [p for p in phases if p['kind'] == kind and p['behind'] == 1]
    twos = [p for p in phases if p['kind'] == kind and p['behind'] == 2]
    if not ones or not twos:
        return f'| {label} | - | - | - | - | - |'
    best = max(ones, key=lambda p: p['per_second'])
    within = [p for p in twos if p['ms']['p95'] <= best['ms']['p95']]
    two = max(within, key=lambda p: p['per_second']) if within else None
    limit = ceiling(phases, kind, cores)
    limits = f'{limit[0]:.2f}x ({limit[1]:.2f}x without the load generator)' if limit else '-'
    if two is None:
        return (f'| {label} | {best["per_second"]:.1f} ({best["ms"]["p95"]:.0f} ms, {best["concurrency"]} clients) | '
                f'none within that p95 | - | no | {limits} |')
    ratio = two['per_second'] / best['per_second']
    return (f'| {label} | {best["per_second"]:.1f} ({best["ms"]["p95"]:.0f} ms, {best["concurrency"]} clients) | '
            f'{two["per_second"]:.1f} ({two["ms"]["p95"]:.0f} ms, {two["concurrency"]} clients) | {ratio:.2f}x | '
            f'{"yes" if ratio >= GOAL else "no"} | {limits} |')


def _phase(phases: list[dict[str, Any]], kind: str, behind: int, level: int) -> dict[str, Any] | None:
    return next((p for p in phases if p['kind'] == kind and p['behind'] == behind and p['concurrency'] == level),
                None)


def _per_instance_core(p: dict[str, Any]) -> float:
    """Operations per second of CPU the instances got: what scaling out must keep for the ratio to hold."""
    used = (p['cpu']['instance A'] + p['cpu']['instance B']) / 100
    return p['per_second'] / used if used else 0.0


def _rate(p: dict[str, Any]) -> str:
    return f'{p["per_second"]:.1f}, {p["ms"]["median"]:.0f} / {p["ms"]["p95"]:.0f}'

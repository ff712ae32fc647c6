"""axe-core scans that fail on serious or critical violations and print the whole report when they do."""

from __future__ import annotations

import json
from typing import Any

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

BLOCKING = ('serious', 'critical')
QUASAR_BACKDROP = '.q-dialog__backdrop'

# WCAG contrast of an element's text against the first opaque background behind it, as the browser paints it
# (semi-transparent layers in between are blended in); used to re-check axe's verdict inside Quasar dialogs.
PAINTED_CONTRAST = '''(element) => {
  const rgba = (css) => (css.match(/[\\d.]+/g) || [0, 0, 0, 0]).map(Number).concat([1]).slice(0, 4);
  const over = (top, below) => [0, 1, 2].map((i) => top[i] * top[3] + below[i] * (1 - top[3])).concat([1]);
  const layers = [];
  for (let node = element; node; node = node.parentElement) {
    const colour = rgba(getComputedStyle(node).backgroundColor);
    if (colour[3] > 0) layers.push(colour);
    if (colour[3] >= 1) break;
  }
  const background = layers.reverse().reduce((below, top) => over(top, below), [255, 255, 255, 1]);
  const foreground = over(rgba(getComputedStyle(element).color), background);
  const luminance = (c) => c.slice(0, 3).map((v) => v / 255)
    .map((v) => (v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4))
    .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
  const [light, dark] = [luminance(foreground), luminance(background)].sort((a, b) => b - a);
  return (light + 0.05) / (dark + 0.05);
}'''


def expect_no_serious_violations(page: Page, where: str) -> None:
    """Scan the page as it is now (after animations) and fail with the full report of every blocking violation."""
    settle(page)
    results = Axe().run(page)
    blocking = [v for v in results.response['violations'] if v['impact'] in BLOCKING]
    blocking = [v for v in (_without_quasar_dialog_false_positives(page, v) for v in blocking) if v['nodes']]
    assert not blocking, f'axe-core found serious/critical violations on {where} ({page.url}):\n' + \
        '\n'.join(report(violation) for violation in blocking)


def settle(page: Page) -> None:
    """Wait until transitions (dialog, drawer, menu) have finished and Quasar's loading bar is idle again.

    The loading bar is a progressbar with no name while a request is under way; it is aria-hidden once idle.
    """
    for _ in range(200):  # polled from here: pages without script forbid the string eval of wait_for_function
        if page.evaluate("() => document.getAnimations().every((a) => a.playState !== 'running')"):
            break
        page.wait_for_timeout(25)
    expect(page.locator('.q-loading-bar[role=progressbar]')).to_have_count(0)


def report(violation: dict[str, Any]) -> str:
    lines = [f'[{violation["impact"]}] {violation["id"]}: {violation["help"]} ({violation["helpUrl"]})']
    for node in violation['nodes']:
        lines.append(f'  target: {", ".join(map(str, node["target"]))}')
        lines.append(f'  html: {node["html"]}')
        lines.extend(f'    {line}' for line in node.get('failureSummary', '').splitlines())
        for check in node.get('any', []) + node.get('all', []) + node.get('none', []):
            if check.get('data'):
                lines.append(f'    data: {json.dumps(check["data"], ensure_ascii=False)}')
            if check.get('relatedNodes'):
                lines.append(f'    related: {[related["target"] for related in check["relatedNodes"]]}')
        if 'paintedContrast' in node:
            lines.append(f'    contrast as painted (recomputed by the test): {node["paintedContrast"]:.2f}:1')
    return '\n'.join(lines)


def _without_quasar_dialog_false_positives(page: Page, violation: dict[str, Any]) -> dict[str, Any]:
    """axe-core misreads text inside a Quasar dialog as lying on the dialog's backdrop (dequelabs/axe-core#3464).

    For those color-contrast nodes only, the test measures the contrast as painted and drops the node when it
    meets axe's own required ratio; a node that really fails stays in the report, with the measured value.
    """
    if violation['id'] != 'color-contrast':
        return violation
    kept = []
    for node in violation['nodes']:
        checks = node.get('any', [])
        on_backdrop = any(related['target'] == [QUASAR_BACKDROP] for check in checks
                          for related in check.get('relatedNodes', []))
        if not on_backdrop or len(node['target']) != 1:
            kept.append(node)
            continue
        required = float(str(checks[0]['data']['expectedContrastRatio']).split(':')[0])
        painted = page.locator(node['target'][0]).evaluate(PAINTED_CONTRAST)
        if painted < required:
            kept.append({**node, 'paintedContrast': painted})
    return {**violation, 'nodes': kept}

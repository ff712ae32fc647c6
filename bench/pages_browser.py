"""Debian's headless Chromium driven by Playwright, with every time taken inside the page.

An init script (installed on the context, so it runs before any page script) records, in the page's own clock:
when the expected number of Leave buttons is in the document with a layout box (a MutationObserver), when the
live connection is up (a setter on `window.did_handshake`, which nicegui.js sets true in the socket's connect
handler), and the characters received on the websocket. A leave is timed by one page script that starts a
MutationObserver, takes t0 and clicks the confirm button itself, and resolves when the card is gone. Python only
waits for those promises; it never polls.
"""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Browser, BrowserContext, Page, Playwright, StorageState

from bench.pages_servers import Server

CHROMIUM = '/usr/bin/chromium'
CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
                 '--disable-background-networking', '--disable-component-update', '--disable-sync']
LIVE = 'window.did_handshake === true && !!window.socket && window.socket.connected'
TIMEOUT_MS = 60_000

INIT_SCRIPT = """(() => {
  const expected = __EXPECTED__;
  const b = window.__bench = {buttons: null, live: null, wsChars: 0};
  let ready;
  b.ready = new Promise((resolve) => { ready = resolve; });
  const settle = () => { if (b.buttons !== null && b.live !== null) ready({buttons: b.buttons, live: b.live}); };
  let handshake;
  Object.defineProperty(window, 'did_handshake', {configurable: true, get: () => handshake, set: (value) => {
    handshake = value;
    if (value === true && b.live === null && window.socket && window.socket.connected) {
      b.live = performance.now();
      settle();
    }
  }});
  const observer = new MutationObserver(() => {
    const found = document.querySelectorAll('button.portal-leave');
    if (b.buttons !== null || found.length < expected) return;
    for (let i = 0; i < expected; i++) if (!found[i].getClientRects().length) return;
    b.buttons = performance.now();
    observer.disconnect();
    settle();
  });
  observer.observe(document, {childList: true, subtree: true, attributes: true, attributeFilter: ['class', 'style']});
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (e) => {
        b.wsChars += typeof e.data === 'string' ? e.data.length : (e.data.byteLength ?? e.data.size ?? 0);
      });
    }
  };
})();"""

READY = """async (timeout) => {
  const r = await Promise.race([window.__bench.ready, new Promise((_, reject) => setTimeout(
    () => reject(new Error('not ready: ' + JSON.stringify(window.__bench))), timeout))]);
  const n = performance.getEntriesByType('navigation')[0];
  return {...r, ttfb: n.responseStart - n.requestStart, transfer: n.transferSize, encoded: n.encodedBodySize,
          decoded: n.decodedBodySize, wsChars: window.__bench.wsChars};
}"""

# the portal before the DOM change has no confirm class: fall back to the dialog's button named "Leave ORG"
FIND_CONFIRM = """(name) => {
  const dialogs = [...document.querySelectorAll('[role=alertdialog]')];
  const scope = dialogs.length ? dialogs[dialogs.length - 1] : document;
  return scope.querySelector('.portal-leave-confirm') || [...scope.querySelectorAll('button')]
    .find((b) => (b.getAttribute('aria-label') || b.innerText || '').trim() === `Leave ${name}`);
}"""

GONE = """(selector, timeout) => new Promise((resolve, reject) => {
  const observer = new MutationObserver(() => {
    if (!document.querySelector(selector)) {
      observer.disconnect();
      resolve(performance.timeOrigin + performance.now());
    }
  });
  observer.observe(document.body, {childList: true, subtree: true});
  setTimeout(() => { observer.disconnect(); reject(new Error('still on the page: ' + selector)); }, timeout);
})"""

LEAVE = f"""async ({{org, name, timeout}}) => {{
  const selector = `[data-org-id="${{org}}"]`;
  if (!document.querySelector(selector)) throw new Error('no card ' + org);
  const confirm = ({FIND_CONFIRM})(name);
  if (!confirm) throw new Error('no confirm button for ' + name);
  const gone = ({GONE})(selector, timeout);
  const t0 = performance.timeOrigin + performance.now();
  confirm.click();
  const t1 = await gone;
  return {{t0, t1, ms: t1 - t0}};
}}"""

WATCH = f"""({{org, timeout}}) => {{
  const selector = `[data-org-id="${{org}}"]`;
  if (!document.querySelector(selector)) throw new Error('no card ' + org);
  window.__gone = ({GONE})(selector, timeout);
}}"""

BACK = """([org, timeout]) => new Promise((resolve) => {
  const selector = `[data-org-id="${org}"]`;
  if (document.querySelector(selector)) return resolve(true);
  const observer = new MutationObserver(() => {
    if (document.querySelector(selector)) { observer.disconnect(); resolve(true); }
  });
  observer.observe(document.body, {childList: true, subtree: true});
  setTimeout(() => { observer.disconnect(); resolve(false); }, timeout);
})"""


def launch(playwright: Playwright) -> Browser:
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def sign_in(browser: Browser, server: Server, person_name: str) -> StorageState | None:
    """Sign in once at the demo provider (its button's name starts with the person's name); keep the cookies."""
    if server.kind != 'portal':
        return None
    context = browser.new_context(locale='en-US')
    try:
        page = context.new_page()
        page.goto(server.url + '/organizations')
        page.get_by_role('button', name=person_name).click()
        page.wait_for_url(server.url + '/organizations')
        page.wait_for_function(LIVE)
        return context.storage_state()
    finally:
        context.close()


def new_context(browser: Browser, expected_buttons: int, state: StorageState | None) -> BrowserContext:
    context = browser.new_context(locale='en-US', viewport={'width': 1280, 'height': 860}, storage_state=state)
    context.set_default_timeout(TIMEOUT_MS)
    context.add_init_script(INIT_SCRIPT.replace('__EXPECTED__', str(int(expected_buttons))))
    return context


def load(page: Page, url: str) -> dict[str, Any]:
    """Navigate and wait (in the page) until the expected Leave buttons are visible and the page is live."""
    page.goto(url, wait_until='commit')
    return page.evaluate(READY, TIMEOUT_MS)


def open_dialog(page: Page, org_id: str) -> None:
    page.locator(f'[data-org-id="{org_id}"] button.portal-leave').click()
    page.get_by_role('alertdialog').wait_for(state='visible')


def leave(page: Page, org_id: str, name: str) -> dict[str, float]:
    """Confirm from inside the page; {t0, t1, ms} with t = performance.timeOrigin + performance.now()."""
    return page.evaluate(LEAVE, {'org': org_id, 'name': name, 'timeout': TIMEOUT_MS})


def watch_gone(page: Page, org_id: str) -> None:
    page.evaluate(WATCH, {'org': org_id, 'timeout': TIMEOUT_MS})


def gone_at(page: Page) -> float:
    return page.evaluate('window.__gone')


def wait_back(page: Page, org_id: str, timeout_ms: int = 15_000) -> bool:
    """After a restore: True once the card is back on the open page (the portal updates live)."""
    return page.evaluate(BACK, [org_id, timeout_ms])

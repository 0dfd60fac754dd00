// Firefox ESR driven over WebDriver BiDi by puppeteer-core, for tests/test_engines.py.
//
// Python has no BiDi client of its own here, so this bridge keeps one headless Firefox
// and one tab open and answers JSON requests, one per line on stdin, with one JSON
// line each on stdout: {op: 'goto' | 'evaluate' | 'setFile' | 'click' | 'blank' |
// 'close', ...} -> {ok: value} or {error: message}. Debian's /usr/bin/firefox-esr is
// used as installed (`make browsers`); puppeteer-core never downloads a browser.
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';

const require = createRequire(new URL('../../webapp/package.json', import.meta.url));
const puppeteer = require('puppeteer-core');

const browser = await puppeteer.launch({
  browser: 'firefox',
  executablePath: process.env.FIREFOX ?? '/usr/bin/firefox-esr',
  headless: true,
  protocolTimeout: 600_000,
  // The tests read results in the page: no download dialog, no first-run pages.
  extraPrefsFirefox: { 'browser.shell.checkDefaultBrowser': false },
});
const page = await browser.newPage();
/** The page's console errors and uncaught errors, for failure messages. */
const messages = [];
page.on('console', (m) => m.type() === 'error' && messages.push(m.text()));
page.on('pageerror', (e) => messages.push(String(e)));

const handlers = {
  async goto({ url }) {
    await page.goto(url, { waitUntil: 'load', timeout: 120_000 });
    return null;
  },
  /** `expression` is JavaScript source; a promise it gives is awaited. */
  async evaluate({ expression }) {
    return page.evaluate(expression);
  },
  async setFile({ selector, path }) {
    const input = await page.waitForSelector(selector, { timeout: 60_000 });
    await input.uploadFile(path);
    return null;
  },
  async click({ selector }) {
    await page.click(selector);
    return null;
  },
  /**
   * Leave the page (its workers end with it) for a blank one. Closing the tab and opening
   * another instead made the next cross-origin isolated page hang while loading its model
   * in Firefox ESR 153 here, so the one tab stays.
   */
  async blank() {
    await page.goto('about:blank');
    return null;
  },
  async messages() {
    return messages.splice(0);
  },
  async version() {
    return browser.version();
  },
};

const reply = (message) => process.stdout.write(`${JSON.stringify(message)}\n`);
reply({ ok: 'ready' });
for await (const line of createInterface({ input: process.stdin })) {
  const request = JSON.parse(line);
  if (request.op === 'close') break;
  try {
    reply({ ok: (await handlers[request.op](request)) ?? null });
  } catch (error) {
    reply({ error: error instanceof Error ? error.message : String(error) });
  }
}
// browser.close() over BiDi can hang in Firefox ESR 153 here: give it a few seconds,
// then end the browser process this bridge started.
const firefox = browser.process();
await Promise.race([browser.close(), new Promise((resolve) => setTimeout(resolve, 5_000))]);
if (firefox && firefox.exitCode === null) firefox.kill('SIGKILL');
process.exit(0);

/**
 * A real browser for the specs of web pages: Debian's Chromium (`/usr/bin/chromium`, installed
 * by .ci/run) driven by playwright-core, headless, with a fresh profile each launch.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Where specs leave what a person may want to look at (git-ignored). */
export const TEST_OUTPUT = path.resolve('test-output');

/**
 * `describe` for a spec that needs Chromium; await it at the top level of the spec file.
 * Without /usr/bin/chromium the spec is skipped with one line, except under `CI=true`, where
 * it fails.
 */
export async function describeBrowser(name: string, body: () => void): Promise<void> {
  if (fs.existsSync(CHROMIUM)) return describe(name, body);
  const why = `${CHROMIUM} is missing (apt-get install chromium)`;
  if (process.env.CI === 'true') {
    describe(name, () => {
      it('needs Chromium (CI=true)', () => {
        throw new Error(`${why}: the browser specs cannot run`);
      });
    });
    return;
  }
  process.stderr.write(`${why}: skipping the browser spec "${name}"\n`);
  describe.skip(name, body);
}

export interface Browser {
  context: BrowserContext;
  /** A new tab that records the page's errors and console errors in `problems`. */
  newPage(): Promise<Page>;
  /** Uncaught errors and console errors (CSP violations included) of every tab so far. */
  problems: string[];
  close(): Promise<void>;
}

/** Launches Chromium with a profile of its own, removed again by `close()`. */
export async function launchBrowser(): Promise<Browser> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'nestling-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 900 },
  });
  const problems: string[] = [];
  return {
    context,
    problems,
    async newPage() {
      const page = await context.newPage();
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
      });
      return page;
    },
    async close() {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Polls `read` until `check` holds for its value (resolved with it); rejects after `timeoutMs`. */
export async function waitForValue<T>(
  read: () => Promise<T>,
  check: (value: T) => boolean,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!check(value)) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(value)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    value = await read();
  }
  return value;
}

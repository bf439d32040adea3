import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { expect } from 'vitest';
import { browserUnavailableReason, launchBrowser } from './browser.ts';
import { startServeProcess, type CliProcess } from './cli-process.ts';
import { SAMPLE_CANDLES } from './engine-config.ts';
import { ARTIFACTS_DIR, ROOT, tempDir } from './paths.ts';
import { startSim, stopProcess } from './serve-process.ts';

/** The built UI that `hyperdesk serve` hands out. */
export const RENDERER_DIR = join(ROOT, 'out', 'renderer');
/** Where e2e tests put their screenshots (and perf.json); made by `startServeSession`. */
export const SHOTS_DIR = join(ARTIFACTS_DIR, 'e2e');

/**
 * Why the browser tests of a file cannot run here (said on the console), or null when they can.
 * Throws when the UI is not built, since then no browser test can pass.
 */
export function e2eSkipReason(): string | null {
  const reason = browserUnavailableReason();
  if (reason) console.warn(`e2e skipped: ${reason}`);
  if (!existsSync(join(RENDERER_DIR, 'index.html'))) {
    throw new Error('the UI is not built: run "npm run build" (npm test does it first)');
  }
  return reason;
}

/** What a page reported while it was watched. */
export interface PageReports {
  /** Console errors and warnings, and uncaught page errors (CSP violations included). */
  problems: string[];
  /** Uncaught page errors only. */
  errors: string[];
}

/** Starts recording what `page` reports: call before `goto` to see it all. */
export function watchPage(page: Page): PageReports {
  const problems: string[] = [];
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text());
  });
  page.on('pageerror', (e) => {
    problems.push(e.message);
    errors.push(e.message);
  });
  return { problems, errors };
}

/** Waits until the chart shows the bundled sample (as a fresh data folder opens) and the side panels are up. */
export async function waitForSampleChart(page: Page): Promise<void> {
  await expect
    .poll(() => page.getByTestId('price-chart').first().getAttribute('data-candle-count'), { timeout: 20_000 })
    .toBe(String(SAMPLE_CANDLES));
  await page.getByTestId('side-panels').waitFor();
}

/** How `ServeSession.openPage` opens a page. */
export interface OpenPageOptions {
  /** The window size; 1400 × 900 unless given. */
  viewport?: { width: number; height: number };
  /** More page options (downloads and such). */
  page?: Omit<BrowserContextOptions, 'viewport'>;
  /** The address; the server's unless given. */
  url?: string;
  /** Runs once the page is watched and before it navigates (routes, WebSocket listeners). */
  beforeGoto?: (page: Page) => void | Promise<void>;
}

/** A `hyperdesk serve` (and a `hyperdesk sim-exchange` when asked for), with Chromium. */
export interface ServeSession {
  server: CliProcess & { url: string; stop(): Promise<void> };
  browser: Browser;
  /** The server's address. */
  url: string;
  /** The folder the session made (or was given) and removes on stop. */
  dir: string;
  /** The sim exchange's address, when one was started. */
  simUrl: string | undefined;
  /** A new page, watched from the start, at the server's address. */
  openPage(options?: OpenPageOptions): Promise<PageReports & { page: Page }>;
  /** Closes the browser, stops the server and the sim, and removes `dir`. */
  stop(): Promise<void>;
}

/** What `startServeSession` starts. */
export interface ServeSessionOptions {
  /** The folder the session owns (removed on stop); a new temporary one unless given. */
  dir?: string;
  /** The data folder `hyperdesk serve` runs on; `dir` unless given. */
  dataDir?: string;
  /** Environment of `hyperdesk serve`. */
  env?: NodeJS.ProcessEnv;
  /** Runs on `dir` before the server starts (files the test learns or loads). */
  prepare?: (dir: string) => void | Promise<void>;
  /**
   * Starts `hyperdesk sim-exchange --coins …` first, its address in `simUrl`; `fund` gives
   * accounts their starting balance (`0xAddress=10000`).
   */
  sim?: { coins: readonly string[]; fund?: readonly string[] };
}

/**
 * Starts what an e2e file drives: the screenshot folder, the optional sim exchange, a real
 * `hyperdesk serve` on its data folder and headless Chromium. Whatever started is stopped
 * again when a later step fails. Call `stop` in `afterAll`.
 */
export async function startServeSession(options: ServeSessionOptions = {}): Promise<ServeSession> {
  const given = options.dir;
  const { dir, remove } =
    given === undefined ? tempDir() : { dir: given, remove: () => rmSync(given, { recursive: true, force: true }) };
  let sim: CliProcess | undefined;
  let server: ServeSession['server'] | undefined;
  let browser: Browser | undefined;
  async function stop(): Promise<void> {
    await browser?.close();
    await server?.stop();
    if (sim) await stopProcess(sim, 'SIGINT');
    remove();
  }
  try {
    mkdirSync(SHOTS_DIR, { recursive: true });
    await options.prepare?.(dir);
    let simUrl: string | undefined;
    if (options.sim) {
      const started = await startSim(0, options.sim.coins, options.sim.fund);
      sim = started;
      simUrl = started.url;
    }
    const serve = await startServeProcess(options.dataDir ?? dir, options.env);
    server = serve;
    const chromium = await launchBrowser();
    browser = chromium;
    return {
      server: serve,
      browser: chromium,
      url: serve.url,
      dir,
      simUrl,
      async openPage(open = {}) {
        const page = await chromium.newPage({ ...open.page, viewport: open.viewport ?? { width: 1400, height: 900 } });
        const reports = watchPage(page);
        await open.beforeGoto?.(page);
        await page.goto(open.url ?? serve.url);
        return { page, ...reports };
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Opens the Trade tab and starts a paper session on `coin` of the venue at `apiUrl`; resolves when the blotter shows. */
export async function startPaperInUi(page: Page, apiUrl: string, coin = 'BTC', capital = '10000'): Promise<void> {
  await page.getByTestId('side-panels').waitFor();
  await page.getByTestId('tab-trade').click();
  await page.getByTestId('trading-url').fill(apiUrl);
  await page.getByTestId('trading-coin').fill(coin);
  await page.getByTestId('trading-capital').fill(capital);
  await page.getByTestId('trading-start').click();
  await page.getByTestId('blotter').waitFor({ timeout: 20_000 });
}

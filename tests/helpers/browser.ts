import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium; Playwright's own browser download is not used. */
export const CHROMIUM_PATH = process.env.HYPERDESK_CHROMIUM ?? '/usr/bin/chromium';

/** Flags for headless Chromium as root on a machine with a closed network. */
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Why browser tests cannot run here, or null when they can. CI sets
 * HYPERDESK_REQUIRE_BROWSER=1 so that a missing browser fails instead of skipping.
 */
export function browserUnavailableReason(): string | null {
  if (existsSync(CHROMIUM_PATH)) return null;
  const reason = `Chromium not found at ${CHROMIUM_PATH} (apt-get install -y chromium, or set HYPERDESK_CHROMIUM)`;
  if (process.env.HYPERDESK_REQUIRE_BROWSER === '1') throw new Error(reason);
  return reason;
}

/** Launches headless Chromium. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: FLAGS, headless: true });
}

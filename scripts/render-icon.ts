/**
 * Renders resources/icon.svg to resources/icon.png (512×512) for the installers, with the
 * same headless Chromium the end-to-end tests use. Run it after changing the SVG:
 *
 *   node scripts/render-icon.ts
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const svg = readFileSync(fileURLToPath(new URL('../resources/icon.svg', import.meta.url)), 'utf8');
const out = fileURLToPath(new URL('../resources/icon.png', import.meta.url));
const browser = await chromium.launch({
  executablePath: process.env.HYPERDESK_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
});
try {
  const page = await browser.newPage({ viewport: { width: 512, height: 512 } });
  await page.setContent(`<html><body style="margin:0;background:transparent">${svg}</body></html>`);
  await page.locator('svg').screenshot({ path: out, omitBackground: true });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
}

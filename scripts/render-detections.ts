/**
 * Draws candles with the structure the detection engine found (swings, breaks, sweeps,
 * ranges, setups) into a PNG, for reviewing detector output by eye:
 *
 *   node scripts/render-detections.ts <candles.csv> [--tf 1h,4h] [--last 150] [--out artifacts/detections.png]
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { CandleFileReader } from '../src/adapters/files/candle-file-reader.ts';
import { DetectionEngine } from '../src/engine/detect/detection-engine.ts';
import type { DetectionEvent } from '../src/engine/detect/detection-events.ts';
import type { Timeframe } from '../src/shared/values/timeframe.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    tf: { type: 'string' },
    last: { type: 'string', default: '150' },
    out: { type: 'string', default: 'artifacts/detections.png' },
  },
});
const file = positionals[0];
if (!file)
  throw new Error('usage: node scripts/render-detections.ts <candles.csv> [--tf 1h,4h] [--last N] [--out file.png]');
const reader = new CandleFileReader(file);
const bars = await reader.readAll();
const base = reader.interval as Timeframe;
const timeframes = (values.tf?.split(',') ?? [base]) as Timeframe[];
const events: DetectionEvent[] = [];
const engine = new DetectionEngine({ base, timeframes, onEvent: (e) => events.push(e) });
for (let i = 0; i < bars.length; i++)
  engine.push(bars.time[i]!, bars.open[i]!, bars.high[i]!, bars.low[i]!, bars.close[i]!, bars.volume[i]!);

const last = Number(values.last);
const from = Math.max(0, bars.length - last);
const W = 1600;
const H = 800;
const pad = 40;
let lo = Number.POSITIVE_INFINITY;
let hi = Number.NEGATIVE_INFINITY;
for (let i = from; i < bars.length; i++) {
  lo = Math.min(lo, bars.low[i]!);
  hi = Math.max(hi, bars.high[i]!);
}
const step = (W - 2 * pad) / (bars.length - from);
const x = (t: number) => pad + ((t - bars.time[from]!) / (bars.time[1]! - bars.time[0]!)) * step + step / 2;
const y = (p: number) => pad + ((hi - p) / (hi - lo)) * (H - 2 * pad);
const parts: string[] = [];
for (let i = from; i < bars.length; i++) {
  const up = bars.close[i]! >= bars.open[i]!;
  const colour = up ? '#26a69a' : '#ef5350';
  const cx = x(bars.time[i]!);
  parts.push(`<line x1="${cx}" x2="${cx}" y1="${y(bars.high[i]!)}" y2="${y(bars.low[i]!)}" stroke="${colour}"/>`);
  const top = y(Math.max(bars.open[i]!, bars.close[i]!));
  parts.push(
    `<rect x="${cx - step * 0.35}" y="${top}" width="${step * 0.7}" height="${Math.max(1, y(Math.min(bars.open[i]!, bars.close[i]!)) - top)}" fill="${colour}"/>`,
  );
}
const start = bars.time[from]!;
const tf0 = timeframes[0];
for (const e of events) {
  if (e.time < start || e.tf !== tf0) continue;
  if (e.kind === 'swing' && e.swingTime >= start) {
    const py = y(e.price) + (e.side === 'high' ? -10 : 18);
    parts.push(
      `<text x="${x(e.swingTime)}" y="${py}" font-size="11" text-anchor="middle" fill="#f6ad55">${e.label}</text>`,
    );
  } else if ((e.kind === 'bos' || e.kind === 'choch') && e.swingTime >= start) {
    parts.push(
      `<line x1="${x(e.swingTime)}" x2="${x(e.time)}" y1="${y(e.level)}" y2="${y(e.level)}" stroke="${e.kind === 'bos' ? '#63b3ed' : '#d53f8c'}" stroke-dasharray="4 2"/>`,
    );
    parts.push(
      `<text x="${x(e.time)}" y="${y(e.level) - 3}" font-size="10" fill="${e.kind === 'bos' ? '#63b3ed' : '#d53f8c'}">${e.kind.toUpperCase()}</text>`,
    );
  } else if (e.kind === 'range' && e.status === 'broken' && e.start >= start) {
    parts.push(
      `<rect x="${x(e.start)}" y="${y(e.high)}" width="${x(e.time) - x(e.start)}" height="${y(e.low) - y(e.high)}" fill="#4fd1c5" fill-opacity="0.08" stroke="#4fd1c5" stroke-opacity="0.5"/>`,
    );
  } else if (e.kind === 'sweep') {
    parts.push(`<circle cx="${x(e.time)}" cy="${y(e.level)}" r="4" fill="none" stroke="#f56565"/>`);
  } else if (e.kind === 'setup') {
    const bull = e.direction === 'bull';
    parts.push(
      `<text x="${x(e.time)}" y="${bull ? H - 12 : 24}" font-size="10" text-anchor="middle" fill="${bull ? '#68d391' : '#fc8181'}">${e.setup[0]!.toUpperCase()}${bull ? '▲' : '▼'}</text>`,
    );
  }
}
const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" style="background:#0b0f14;font-family:sans-serif">${parts.join('')}</svg>`;
const browser = await chromium.launch({
  executablePath: process.env.HYPERDESK_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
});
const page = await browser.newPage({ viewport: { width: W, height: H } });
await page.setContent(`<html><body style="margin:0">${svg}</body></html>`);
mkdirSync(dirname(values.out), { recursive: true });
await page.screenshot({ path: values.out });
await browser.close();
console.log(`wrote ${values.out}: ${bars.length - from} bars, ${events.filter((e) => e.time >= start).length} events`);

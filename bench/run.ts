/**
 * `npm run bench`: performance, each figure next to a reference measured in the same run so
 * the ratio means something on a noisy machine. Targets are reported, never enforced: a
 * benchmark does not fail on an absolute time. Results go to stdout and artifacts/bench.json.
 *
 *   npm run bench                 every suite
 *   npm run bench -- market-data  one suite
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchRow, Timing } from './stats.ts';
import { backtestSuite } from './suites/backtest.ts';
import { contractSuite } from './suites/contract.ts';
import { detectionSuite } from './suites/detection.ts';
import { executionSuite } from './suites/execution.ts';
import { marketDataSuite } from './suites/market-data.ts';
import { serverSuite } from './suites/server.ts';

const SUITES: Record<string, () => Promise<BenchRow[]>> = {
  contract: contractSuite,
  'market-data': marketDataSuite,
  detection: detectionSuite,
  backtest: backtestSuite,
  execution: executionSuite,
  learning: async () => (await import('./suites/learning.ts')).learningSuite(),
  server: serverSuite,
};

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const chosen = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const unknown = chosen.filter((name) => !(name in SUITES));
if (unknown.length > 0) {
  console.error(`unknown suite ${unknown.join(', ')}; suites: ${Object.keys(SUITES).join(', ')}`);
  process.exit(2);
}

const fmt = (t: Timing) =>
  t.median >= 10
    ? `${t.median.toFixed(1)} ms`
    : `${(t.median * 1000).toFixed(1)} µs (p99 ${(t.p99 * 1000).toFixed(1)} µs)`;

const rows: BenchRow[] = [];
for (const [name, suite] of Object.entries(SUITES)) {
  if (chosen.length > 0 && !chosen.includes(name)) continue;
  console.log(`\n== ${name}`);
  for (const row of await suite()) {
    rows.push(row);
    const ratio = row.reference.median / row.subject.median;
    const compared = ratio >= 1 ? `${ratio.toFixed(1)}× faster` : `takes ${(1 / ratio).toFixed(1)}× as long`;
    const target =
      row.targetMs === undefined
        ? ''
        : `  target < ${row.targetMs} ms: ${row.subject.median < row.targetMs ? 'met' : 'MISSED'}`;
    console.log(
      `${row.name}\n  ${fmt(row.subject)}  vs ${row.referenceName}: ${fmt(row.reference)}  (${compared})${target}`,
    );
    if (row.notes) console.log(`  ${row.notes}`);
  }
}
mkdirSync(join(ROOT, 'artifacts'), { recursive: true });
writeFileSync(
  join(ROOT, 'artifacts', 'bench.json'),
  `${JSON.stringify({ at: new Date().toISOString(), rows }, null, 2)}\n`,
);

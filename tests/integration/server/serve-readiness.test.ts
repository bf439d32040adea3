import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliProcess } from '../../helpers/cli-process.ts';
import { tempDir } from '../../helpers/paths.ts';
import {
  eventually,
  getJson,
  paperConfig,
  scrape,
  startServe,
  startSim,
  stopProcess,
  type ServeProcess,
} from '../../helpers/serve-process.ts';

/*
 * /readyz follows the venue: a sim-exchange on a real clock is stopped (venue down, then the
 * last bar too old) and started again on the same port (ready again once the feed is back and
 * the missed bars are fetched). Minutes of real time: bars are 1 minute long.
 */

const tmp = tempDir();
let sim: CliProcess & { url: string; port: number };
let serve: ServeProcess;

const readyz = () => getJson(`${serve.url}/readyz`);

beforeAll(async () => {
  sim = await startSim();
  serve = await startServe(paperConfig(tmp.dir, sim.url));
});

afterAll(async () => {
  await stopProcess(serve, 'SIGKILL');
  await stopProcess(sim, 'SIGINT');
  tmp.remove();
});

describe('hyperdesk serve /readyz', () => {
  it('is ready while the venue is up and the bars are fresh, with every check named', async () => {
    const ready = await eventually(
      async () => {
        const r = await readyz();
        return r.status === 200 ? r : undefined;
      },
      150_000,
      'ready',
    );
    expect(ready.body).toMatchObject({
      status: 'ready',
      failing: [],
      checks: {
        store: { ok: true },
        engine: { ok: true },
        leader: { ok: true },
        venue: { ok: true },
        marketData: { ok: true },
      },
    });
    expect((await scrape(serve.url)).get('hyperdesk_ready')).toBe(1);
    const health = await fetch(`${serve.url}/healthz`);
    expect(health.status).toBe(200);
  }, 160_000);

  it('is not ready while the venue is gone (venue, then market data), and ready again once it is back', async () => {
    expect(await stopProcess(sim, 'SIGINT')).toBe(0);
    const down = await eventually(
      async () => {
        const r = await readyz();
        return r.status === 503 && (r.body.failing as string[]).includes('venue') ? r : undefined;
      },
      20_000,
      'venue down',
    );
    expect(down.body.status).toBe('not ready');
    expect((await scrape(serve.url)).get('hyperdesk_venue_connected')).toBe(0);
    // One interval and the 10 s margin after the last bar closed, the data is stale.
    const stale = await eventually(
      async () => {
        const r = await readyz();
        return (r.body.failing as string[]).includes('marketData') ? r : undefined;
      },
      90_000,
      'stale market data',
    );
    const checks = stale.body.checks as Record<string, { ok: boolean; message?: string }>;
    expect(checks.marketData?.message).toMatch(/the last closed bar closed \d+ s ago \(limit 70 s\)/);
    expect(checks.store?.ok).toBe(true);
    expect((await scrape(serve.url)).get('hyperdesk_ready')).toBe(0);

    sim = await startSim(sim.port);
    await eventually(async () => ((await readyz()).status === 200 ? true : undefined), 90_000, 'ready again');
    const metrics = await scrape(serve.url);
    expect(metrics.get('hyperdesk_venue_connected')).toBe(1);
    expect(metrics.get('hyperdesk_ws_reconnects_total')).toBeGreaterThanOrEqual(1);
    expect(metrics.get('hyperdesk_candle_lag_seconds')).toBeLessThan(70);
  }, 220_000);
});

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HlSigner } from '../../../src/adapters/hyperliquid/hl-signer.ts';
import type { HlExecution } from '../../../src/adapters/hyperliquid/hl-execution.ts';
import { runHyperdesk, type CliProcess } from '../../helpers/cli-process.ts';
import { simExecution, TEST_KEY } from '../../helpers/live-venue.ts';
import { tempDir } from '../../helpers/paths.ts';
import { eventually, scrape, startServe, stopProcess, type ServeProcess } from '../../helpers/serve-process.ts';
import { waitFor } from '../../helpers/wait-for.ts';

/*
 * SIGTERM with `shutdown.openOrders: keep` in a live session on a sim-exchange: the process
 * exits 0 at once, the account's resting order is left on the venue, and the dead-man switch
 * the session armed is left armed, so the venue cancels the order when no successor refreshes
 * it (instead of the order outliving every instance).
 */

const tmp = tempDir();
const address = new HlSigner(TEST_KEY, true).address;
const DEAD_MAN_SECONDS = 10;
let sim: CliProcess & { url: string };
let serve: ServeProcess | null = null;
let execution: HlExecution;

beforeAll(async () => {
  const proc = runHyperdesk(['sim-exchange', '--port', '0', '--coins', 'BTC', '--fund', `${address}=100000`], {
    HYPERDESK_LOG_LEVEL: 'error',
  });
  const url = await waitFor(() => /at (http:\/\/\S+),/.exec(proc.stdout())?.[1], 30_000, 'sim-exchange');
  sim = { ...proc, url };
  ({ execution } = await simExecution(url, Date.now));
});

afterAll(async () => {
  if (serve) await stopProcess(serve, 'SIGKILL');
  await stopProcess(sim, 'SIGINT');
  tmp.remove();
});

describe('hyperdesk serve: SIGTERM in a live session', () => {
  it('keep: exits 0, leaves the resting order, and the armed dead-man switch cancels it later', async () => {
    const config = join(tmp.dir, 'live.yaml');
    writeFileSync(
      config,
      `server:
  dataDir: ${JSON.stringify(join(tmp.dir, 'data'))}
secrets: env
trading:
  mode: live
  coin: BTC
  apiUrl: ${sim.url}
  warmUpBars: 20
  deadManSeconds: ${DEAD_MAN_SECONDS}
  strategy: { name: sma-cross }
shutdown:
  graceMs: 15000
  openOrders: keep
`,
    );
    const started = await startServe(config, { HYPERDESK_SIGNING_KEY: TEST_KEY });
    serve = started;
    await eventually(
      async () => (started.stderr().includes('LIVE trading BTC 1m') ? true : undefined),
      30_000,
      'the live session',
    );
    expect((await scrape(started.url)).get('hyperdesk_equity_usd')).toBe(100_000);
    // A resting order on the account, far from the market.
    const mark = await execution.mark('BTC');
    const cloid = `0x00dead00${'1'.repeat(24)}`;
    const [placed] = await execution.place([
      {
        cloid,
        coin: 'BTC',
        side: 'buy',
        qty: execution.sizeStep('BTC').times(1000),
        kind: 'limit',
        limitPrice: execution.roundPrice('BTC', mark.times(0.5), 'down'),
        triggerPrice: null,
        tif: 'gtc',
        reduceOnly: false,
      },
    ]);
    expect(placed?.status).toBe('resting');

    const sent = Date.now();
    expect(await stopProcess(started, 'SIGTERM')).toBe(0);
    expect(Date.now() - sent).toBeLessThan(15_000);
    expect(started.stderr()).toContain('trading session stopped');
    // Kept: still resting once the process is gone.
    expect((await execution.orderByCloid(cloid))?.status).toBe('open');
    // ...until the dead-man switch the session left armed fires.
    const final = await eventually(
      async () => {
        const order = await execution.orderByCloid(cloid);
        return order && order.status !== 'open' ? order : undefined;
      },
      (DEAD_MAN_SECONDS + 5) * 1000,
      'the dead-man switch to cancel the order',
    );
    expect(final.status).toBe('scheduledCancel');
  }, 90_000);
});

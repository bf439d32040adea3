import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HlSigner } from '../../../src/adapters/hyperliquid/hl-signer.ts';
import { runHyperdesk, type CliProcess } from '../../helpers/cli-process.ts';
import { TEST_KEY } from '../../helpers/live-venue.ts';
import { tempDir } from '../../helpers/paths.ts';
import { waitFor } from '../../helpers/wait-for.ts';

const tmp = tempDir();
const dataDir = join(tmp.dir, 'data');
const address = new HlSigner(TEST_KEY, true).address;
/** Everything any process printed, searched for the key at the end. */
const transcript: string[] = [];
let sim: CliProcess;
let url: string;

// Logs at debug level as JSON lines: the most a log could ever say.
const ENV = { HYPERDESK_SIGNING_KEY: TEST_KEY, HYPERDESK_LOG_LEVEL: 'debug', HYPERDESK_LOG_FORMAT: 'json' };

async function run(...args: string[]) {
  const proc = runHyperdesk(args, ENV);
  const code = await proc.exited;
  transcript.push(proc.stdout(), proc.stderr());
  return { code, out: proc.stdout(), err: proc.stderr() };
}

async function startTrading(mode: 'paper' | 'live', extra: string[] = []) {
  const proc = runHyperdesk(
    [
      'trade',
      '--mode',
      mode,
      '--coin',
      'BTC',
      '--strategy',
      'sma-cross',
      '--interval',
      '1m',
      '--api-url',
      url,
      '--data-dir',
      dataDir,
      '--json',
      '--warm-up',
      '50',
      ...extra,
    ],
    ENV,
  );
  const started = await waitFor(
    () => {
      if (proc.child.exitCode !== null) throw new Error(`trade exited: ${proc.stderr()}`);
      return proc
        .stdout()
        .split('\n')
        .find((l) => l.includes('"kind":"started"'));
    },
    30_000,
    'the session to start',
  );
  return {
    proc,
    started: JSON.parse(started) as { mode: string; account: string; runId: string; differences: string[] },
  };
}

async function stop(proc: CliProcess) {
  proc.child.kill('SIGINT');
  const code = await proc.exited;
  transcript.push(proc.stdout(), proc.stderr());
  return code;
}

beforeAll(async () => {
  sim = runHyperdesk(['sim-exchange', '--port', '0', '--coins', 'BTC', '--fund', `${address}=100000`]);
  url = await waitFor(() => /at (http:\/\/\S+),/.exec(sim.stdout())?.[1], 20_000, 'sim-exchange');
});
afterAll(async () => {
  sim.child.kill('SIGINT');
  await sim.exited;
  tmp.remove();
});

describe('hyperdesk trade, orders, positions, kill', () => {
  it('sim-exchange funds the account it was told to', () => {
    expect(sim.stdout()).toContain(`funded ${address} with 100000 USDC`);
  });

  it('live: a session starts on the venue; kill from another process halts it and it says so', async () => {
    const { proc, started } = await startTrading('live');
    expect(started).toMatchObject({ mode: 'live', account: address, differences: [] });
    const positions = await run(
      'positions',
      '--mode',
      'live',
      '--coin',
      'BTC',
      '--api-url',
      url,
      '--data-dir',
      dataDir,
    );
    expect(positions.code).toBe(0);
    expect(positions.out).toContain(`account ${address}: value 100000`);
    const orders = await run('orders', '--mode', 'live', '--coin', 'BTC', '--api-url', url, '--data-dir', dataDir);
    expect(orders.out).toContain('0 open order(s)');
    const kill = await run(
      'kill',
      '--mode',
      'live',
      '--coin',
      'BTC',
      '--api-url',
      url,
      '--data-dir',
      dataDir,
      '--reason',
      'operator test',
    );
    expect(kill.code).toBe(0);
    expect(kill.out).toMatch(/halted[\s\S]*the running session \(process \d+\) canceled its orders/);
    await waitFor(() => (proc.stdout().includes('"kind":"halted"') ? true : undefined), 5000, 'the halt event');
    const resume = await run('resume', '--mode', 'live', '--coin', 'BTC', '--api-url', url, '--data-dir', dataDir);
    expect(resume.out).toMatch(/resumed \(the session in process \d+ is told\)/);
    await waitFor(() => (proc.stdout().includes('"kind":"resumed"') ? true : undefined), 5000, 'the resume event');
    // A second session on the same run is refused while the first runs.
    const twice = await run(
      'trade',
      '--mode',
      'live',
      '--coin',
      'BTC',
      '--strategy',
      'sma-cross',
      '--api-url',
      url,
      '--data-dir',
      dataDir,
    );
    expect(twice.code).not.toBe(0);
    expect(twice.err).toMatch(/already running in process \d+/);
    expect(await stop(proc)).toBe(0);
  });

  it('paper: the paper account is shown and killed from another process', async () => {
    const { proc, started } = await startTrading('paper', ['--capital', '25000']);
    expect(started.account).toBe('paper');
    const positions = await run(
      'positions',
      '--mode',
      'paper',
      '--coin',
      'BTC',
      '--api-url',
      url,
      '--data-dir',
      dataDir,
    );
    // Listed from another process: replayed with the settings the account was opened with.
    expect(positions.out).toContain('account paper: value 25000');
    const kill = await run('kill', '--mode', 'paper', '--coin', 'BTC', '--api-url', url, '--data-dir', dataDir);
    expect(kill.out).toContain('canceled its orders and flattened');
    expect(await stop(proc)).toBe(0);
  });

  it('refuses real money without the confirmation, and bad options with a clear line', async () => {
    const mainnet = await run(
      'trade',
      '--mode',
      'live',
      '--coin',
      'BTC',
      '--strategy',
      'sma-cross',
      '--network',
      'mainnet',
      '--data-dir',
      dataDir,
    );
    expect(mainnet.code).not.toBe(0);
    expect(mainnet.err).toContain('add --confirm-mainnet');
    const mode = await run(
      'trade',
      '--mode',
      'real',
      '--coin',
      'BTC',
      '--strategy',
      'sma-cross',
      '--data-dir',
      dataDir,
    );
    expect(mode.err).toContain('--mode: "real" is not paper or live');
    const coin = await run(
      'trade',
      '--mode',
      'paper',
      '--coin',
      'DOGE',
      '--strategy',
      'sma-cross',
      '--api-url',
      url,
      '--data-dir',
      dataDir,
    );
    expect(coin.err).toMatch(/unknown coin "DOGE"; the venue lists BTC/);
    // The paper account of the earlier test was opened with 25000: another capital would rewrite it.
    const capital = await run(
      'trade',
      '--mode',
      'paper',
      '--coin',
      'BTC',
      '--strategy',
      'sma-cross',
      '--api-url',
      url,
      '--capital',
      '5000',
      '--data-dir',
      dataDir,
    );
    expect(capital.err).toContain('this paper account was opened with capital 25000');
  });

  it('the key never appears in any output, log line, error or the database', async () => {
    // An error path that handles the key: a malformed one (the key with a character changed).
    const bad = runHyperdesk(
      ['positions', '--mode', 'live', '--coin', 'BTC', '--api-url', url, '--data-dir', dataDir],
      {
        ...ENV,
        HYPERDESK_SIGNING_KEY: `${TEST_KEY.slice(0, -1)}z`,
      },
    );
    await bad.exited;
    transcript.push(bad.stdout(), bad.stderr());
    expect(bad.stderr()).toContain('not a 32-byte hex private key');
    const files = readdirSync(dataDir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => readFileSync(join(entry.parentPath, entry.name)).toString('latin1'));
    const haystack = [...transcript, ...files].join('\n').toLowerCase();
    expect(haystack.length).toBeGreaterThan(10_000);
    // The session did write: journal, fills and logs are in there.
    expect(haystack).toContain('risk.halted');
    const bare = TEST_KEY.slice(2).toLowerCase();
    expect(haystack.includes(bare)).toBe(false);
    expect(haystack.includes(bare.slice(0, -1))).toBe(false);
    // Nor in base64 (a serialised buffer) form.
    expect(haystack.includes(Buffer.from(bare, 'hex').toString('base64').toLowerCase())).toBe(false);
  });
});

describe('hyperdesk sim-exchange --data', () => {
  it("replays a file's 1-minute bars as the market, and refuses other intervals", async () => {
    const start = Math.floor(Date.now() / 60_000) * 60_000 - 20 * 60_000;
    const rows = Array.from({ length: 30 }, (_, i) => {
      const open = 30_000 + i * 10;
      return `${(start + i * 60_000) / 1000},${open},${open + 15},${open - 5},${open + 10},1.5`;
    });
    const file = join(tmp.dir, 'btc-1m.csv');
    writeFileSync(file, `time,open,high,low,close,volume\n${rows.join('\n')}\n`);
    const replay = runHyperdesk([
      'sim-exchange',
      '--port',
      '0',
      '--coins',
      'BTC',
      '--data',
      file,
      '--history-minutes',
      '10',
    ]);
    try {
      const at = await waitFor(() => /at (http:\/\/\S+),/.exec(replay.stdout())?.[1], 20_000, 'sim-exchange');
      expect(replay.stdout()).toContain('BTC replays 30 bars of btc-1m.csv');
      const response = await fetch(`${at}/info`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          type: 'candleSnapshot',
          req: { coin: 'BTC', interval: '1m', startTime: 0, endTime: Date.now() },
        }),
      });
      const candles = (await response.json()) as { o: string; c: string }[];
      // History starts with the file's first bars, in order.
      expect(candles.slice(0, 3).map((c) => [c.o, c.c])).toEqual([
        ['30000', '30010'],
        ['30010', '30020'],
        ['30020', '30030'],
      ]);
    } finally {
      replay.child.kill('SIGINT');
      await replay.exited;
    }
    const hourly = join(tmp.dir, 'btc-1h.csv');
    writeFileSync(
      hourly,
      `time,open,high,low,close,volume\n1704067200,1,2,0.5,1.5,1\n1704070800,1.5,2,1,1.8,1\n1704074400,1.8,2,1,1.9,1\n`,
    );
    const refused = await run('sim-exchange', '--port', '0', '--data', hourly);
    expect(refused.code).not.toBe(0);
    expect(refused.err).toContain('has 1h bars; the exchange replays 1-minute bars');
  });
});

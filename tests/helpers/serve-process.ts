import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runHyperdesk, type CliProcess } from './cli-process.ts';
import { waitFor } from './wait-for.ts';

/** A `hyperdesk serve --config` child process and its URL. */
export interface ServeProcess extends CliProcess {
  readonly url: string;
  readonly pid: number;
}

/** Starts `hyperdesk serve --config <file>` on a free port; resolves once it listens. */
export async function startServe(config: string, env: NodeJS.ProcessEnv = {}): Promise<ServeProcess> {
  const proc = runHyperdesk(['serve', '--config', config, '--port', '0'], {
    HYPERDESK_LOG_LEVEL: 'info',
    HYPERDESK_LOG_FORMAT: 'json',
    ...env,
  });
  const url = await waitFor(
    () => {
      if (proc.child.exitCode !== null) throw new Error(`hyperdesk serve exited: ${proc.stderr()}`);
      return /running at (http:\/\/\S+)/.exec(proc.stdout())?.[1];
    },
    60_000,
    'hyperdesk serve to listen',
  );
  return { ...proc, url, pid: proc.child.pid ?? -1 };
}

/** Starts `hyperdesk sim-exchange` (real clock) on `port` (0: a free one) with markets for `coins`. */
export async function startSim(
  port = 0,
  coins: readonly string[] = ['BTC'],
  fund: readonly string[] = [],
): Promise<CliProcess & { url: string; port: number }> {
  const funding = fund.flatMap((account) => ['--fund', account]);
  const sim = runHyperdesk(['sim-exchange', '--port', String(port), '--coins', coins.join(','), ...funding], {
    HYPERDESK_LOG_LEVEL: 'error',
  });
  const url = await waitFor(
    () => {
      if (sim.child.exitCode !== null) throw new Error(`sim-exchange exited: ${sim.stderr()}`);
      return /at (http:\/\/\S+),/.exec(sim.stdout())?.[1];
    },
    30_000,
    'sim-exchange',
  );
  return { ...sim, url, port: Number(new URL(url).port) };
}

/** Stops a child process with `signal` and resolves with its exit code. */
export async function stopProcess(proc: CliProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return proc.child.exitCode;
  proc.child.kill(signal);
  return proc.exited;
}

/** Writes a serve config for a paper session on `apiUrl` and returns its path. */
export function paperConfig(dir: string, apiUrl: string, extra = ''): string {
  const path = join(dir, 'serve.yaml');
  writeFileSync(
    path,
    `server:
  dataDir: ${JSON.stringify(join(dir, 'data'))}
trading:
  mode: paper
  coin: BTC
  interval: 1m
  apiUrl: ${apiUrl}
  capital: 10000
  warmUpBars: 50
  strategy:
    # Fast and slow of 1 and 2 bars: a signal whenever the close turns, so a test sees fills
    # within a few minutes of real time.
    name: sma-cross
    params: { fast: 1, slow: 2 }
shutdown:
  graceMs: 15000
readiness:
  candleMarginMs: 10000
${extra}`,
  );
  return path;
}

/** GET `path` as JSON with its status. */
export async function getJson(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** `/metrics` parsed: `name{labels}` → value. */
export async function scrape(base: string): Promise<Map<string, number>> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    values.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return values;
}

/** Polls `probe` (async) every 500 ms until it returns a value, or fails after `timeoutMs`. */
export async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

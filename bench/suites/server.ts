/**
 * The web-mode front door under load: event fan-out to 100 authenticated WebSocket clients and
 * 1,000 HTTP commands per second, each against a bare server doing the same in the same run.
 *
 *   npm run bench -- server
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import WebSocket, { WebSocketServer } from 'ws';
import type { EngineGateway } from '../../src/host/engine-gateway.ts';
import { WorkerSupervisor } from '../../src/host/worker-supervisor.ts';
import { generateToken, hashToken } from '../../src/server/auth/api-tokens.ts';
import { startHttpServer } from '../../src/server/http-server.ts';
import { PROTOCOL_VERSION, type EventMessage } from '../../src/shared/contract/protocol.ts';
import { summarize, type BenchRow, type Timing } from '../stats.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLIENTS = 100;
const EVENTS_PER_SECOND = 10;
const FANOUT_SECONDS = 10;
/** Lag is compared between this many seconds at the start and at the end of the run. */
const WINDOW_SECONDS = 2;
const HTTP_RATE = 1000;
const HTTP_SECONDS = 10;
const HTTP_P99_TARGET_MS = 20;

/** Wall-clock ms with sub-ms resolution, comparable between sender and receivers. */
const now = () => performance.timeOrigin + performance.now();

/** A gateway whose only job is to emit events; the fan-out is what is measured. */
class EventSource implements EngineGateway {
  readonly state = 'running';
  private readonly listeners = new Set<(event: EventMessage) => void>();
  private seq = 0;

  request(): never {
    throw new Error('the fan-out bench sends no commands');
  }

  onEvent(listener: (event: EventMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(): void {
    // A realistic size: a closed bar with its detections is a few hundred bytes.
    const event: EventMessage = {
      v: PROTOCOL_VERSION,
      type: 'event',
      event: 'BenchTick',
      seq: this.seq++,
      payload: { sentAt: now(), bar: { time: 1_704_067_200_000, open: 42000, high: 42384, low: 41969, close: 42198 } },
    };
    for (const listener of this.listeners) listener(event);
  }
}

/**
 * Connects the clients, emits 10 events/s for the run and returns each delivery's lag (ms)
 * for the first and the last window, plus how many events every client got.
 */
async function fanOut(
  url: string,
  headers: Record<string, string>,
  emit: () => void,
): Promise<{
  start: number[];
  end: number[];
  all: readonly { at: number; lag: number }[];
  delivered: number;
  expected: number;
}> {
  const sockets = await Promise.all(
    Array.from(
      { length: CLIENTS },
      () =>
        new Promise<WebSocket>((resolve, reject) => {
          const ws = new WebSocket(url, { headers });
          ws.once('open', () => resolve(ws));
          ws.once('error', reject);
        }),
    ),
  );
  const begin = now();
  const samples: { at: number; lag: number }[] = [];
  for (const ws of sockets) {
    ws.on('message', (data) => {
      const received = now();
      const message = JSON.parse(String(data)) as { type: string; payload?: { sentAt?: number } };
      if (message.type === 'event' && message.payload?.sentAt !== undefined) {
        samples.push({ at: received - begin, lag: received - message.payload.sentAt });
      }
    });
  }
  const total = FANOUT_SECONDS * EVENTS_PER_SECOND;
  for (let i = 0; i < total; i++) {
    // Scheduled against the start, so a slow tick does not stretch the run.
    const due = begin + ((i + 1) * 1000) / EVENTS_PER_SECOND;
    await new Promise((r) => setTimeout(r, Math.max(0, due - now())));
    emit();
  }
  await new Promise((r) => setTimeout(r, 500));
  for (const ws of sockets) ws.terminate();
  const windowMs = WINDOW_SECONDS * 1000;
  const endFrom = FANOUT_SECONDS * 1000 - windowMs;
  return {
    start: samples.filter((s) => s.at < windowMs).map((s) => s.lag),
    end: samples.filter((s) => s.at >= endFrom).map((s) => s.lag),
    all: samples,
    delivered: samples.length,
    expected: total * CLIENTS,
  };
}

/** Fixed-rate POSTs with autocannon; latency percentiles in ms. */
async function load(url: string, headers: Record<string, string>): Promise<{ timing: Timing; notes: string }> {
  const result = await autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: '{}',
    connections: 20,
    // The load generator runs in its own thread, so it does not share the server's event loop.
    workers: 1,
    overallRate: HTTP_RATE,
    duration: HTTP_SECONDS,
  });
  const failed = result.non2xx + result.errors + result.timeouts;
  return {
    timing: { median: result.latency.p50, p99: result.latency.p99, runs: result.requests.total },
    notes: `${(result.requests.total / HTTP_SECONDS).toFixed(0)} req/s, ${failed} failed`,
  };
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Median lag of each second of the run. */
function secondMedians(samples: readonly { at: number; lag: number }[]): number[] {
  return Array.from(
    { length: FANOUT_SECONDS },
    (_, i) => summarize(samples.filter((s) => s.at >= i * 1000 && s.at < (i + 1) * 1000).map((s) => s.lag)).median,
  );
}

const fmtLag = (t: Timing) => `median ${t.median.toFixed(2)} ms, p99 ${t.p99.toFixed(2)} ms`;

/** WebSocket fan-out lag over time and HTTP command latency at a fixed rate. */
export async function serverSuite(): Promise<BenchRow[]> {
  const suite = 'server';
  const rows: BenchRow[] = [];
  const token = generateToken();
  const auth = {
    tokens: [{ name: 'bench', role: 'trader' as const, sha256: hashToken(token) }],
    // The bench is one client sending far above a person's rate; the limiter still runs.
    rateLimit: { perSecond: 100_000, burst: 100_000 },
  };
  const bearer = { authorization: `Bearer ${token}` };

  // 1. Fan-out: HyperDesk's server (tokens checked at the handshake) against a bare ws server.
  const source = new EventSource();
  const hd = await startHttpServer({
    engine: source,
    staticDir: null,
    host: '127.0.0.1',
    port: 0,
    version: 'bench',
    auth,
  });
  let subject: Awaited<ReturnType<typeof fanOut>>;
  try {
    subject = await fanOut(`${hd.url.replace('http', 'ws')}/api/v1/ws`, bearer, () => source.emit());
  } finally {
    await hd.close();
  }
  const bare = createServer();
  const wss = new WebSocketServer({ server: bare });
  const bareUrl = await listen(bare);
  let seq = 0;
  const reference = await fanOut(bareUrl.replace('http', 'ws'), {}, () => {
    const text = JSON.stringify({
      v: PROTOCOL_VERSION,
      type: 'event',
      event: 'BenchTick',
      seq: seq++,
      payload: { sentAt: now(), bar: { time: 1_704_067_200_000, open: 42000, high: 42384, low: 41969, close: 42198 } },
    });
    for (const ws of wss.clients) ws.send(text);
  });
  wss.close();
  await new Promise((r) => bare.close(r));
  const [subStart, subEnd, refStart, refEnd] = [subject.start, subject.end, reference.start, reference.end].map(
    summarize,
  ) as [Timing, Timing, Timing, Timing];
  // A backlog shows as a median that climbs second after second; single p99 spikes on a
  // shared machine are scheduling noise, reported but not the verdict.
  const grows = subEnd.median > subStart.median * 2 + 1;
  const perSecond = secondMedians(subject.all);
  rows.push({
    suite,
    name: `event fan-out lag, ${CLIENTS} WebSocket clients × ${EVENTS_PER_SECOND} events/s, first ${WINDOW_SECONDS} s`,
    subject: subStart,
    referenceName: 'bare ws server',
    reference: refStart,
  });
  rows.push({
    suite,
    name: `event fan-out lag, same run, last ${WINDOW_SECONDS} s of ${FANOUT_SECONDS} s`,
    subject: subEnd,
    referenceName: 'bare ws server',
    reference: refEnd,
    notes:
      `start ${fmtLag(subStart)} → end ${fmtLag(subEnd)}: lag ${grows ? 'GROWS' : 'does not grow'}; ` +
      `per-second medians ${perSecond.map((m) => m.toFixed(1)).join(' ')} ms; ` +
      `${subject.delivered}/${subject.expected} events delivered (bare: ${reference.delivered}/${reference.expected}); ` +
      `load average ${loadavg()[0]?.toFixed(1)} on ${availableParallelism()} cores`,
  });

  // 2. HTTP: GetEngineStatus through auth, rate limiter and the engine worker, against a bare
  //    node:http server answering the same JSON.
  const dir = mkdtempSync(join(tmpdir(), 'hyperdesk-bench-'));
  const supervisor = new WorkerSupervisor({
    workerUrl: new URL('../../src/host/engine-worker.ts', import.meta.url),
    config: {
      dbPath: join(dir, 'bench.db'),
      samplesDir: join(ROOT, 'resources', 'samples'),
      dataRoots: [dir],
      mode: 'research',
    },
  });
  await supervisor.start();
  try {
    const serverSide: number[] = [];
    const server = await startHttpServer({
      onRequest: (_status, seconds) => serverSide.push(seconds * 1000),
      engine: supervisor,
      staticDir: null,
      host: '127.0.0.1',
      port: 0,
      version: 'bench',
      auth,
    });
    let http: Awaited<ReturnType<typeof load>>;
    let answer: string;
    try {
      const sample = await fetch(`${server.url}/api/v1/commands/GetEngineStatus`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...bearer },
        body: '{}',
      });
      answer = await sample.text();
      if (!sample.ok) throw new Error(`GetEngineStatus answered ${sample.status}: ${answer}`);
      http = await load(`${server.url}/api/v1/commands/GetEngineStatus`, bearer);
    } finally {
      await server.close();
    }
    const plain = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(answer));
    });
    const plainUrl = await listen(plain);
    const ref = await load(`${plainUrl}/api/v1/commands/GetEngineStatus`, bearer);
    await new Promise((r) => plain.close(r));
    rows.push({
      suite,
      name: `HTTP POST GetEngineStatus at ${HTTP_RATE} req/s for ${HTTP_SECONDS} s (token + role + rate limit + worker)`,
      subject: http.timing,
      referenceName: 'bare node:http with the same JSON',
      reference: ref.timing,
      notes:
        `p99 ${http.timing.p99} ms, target < ${HTTP_P99_TARGET_MS} ms: ${http.timing.p99 < HTTP_P99_TARGET_MS ? 'met' : 'MISSED'}; ` +
        `${http.notes} (bare: p99 ${ref.timing.p99} ms, ${ref.notes}); ` +
        `inside the server (onRequest): ${fmtLag(summarize(serverSide))}; ` +
        `load average ${loadavg()[0]?.toFixed(1)} on ${availableParallelism()} cores`,
    });
  } finally {
    await supervisor.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { WebSocketServer, type WebSocket } from 'ws';
import { TimeframeSchema, type Timeframe } from '../../shared/values/timeframe.ts';
import { WeightLimiter } from '../hyperliquid/weight-limiter.ts';
import type { SimClock } from './sim-clock.ts';
import type { SimMarket } from './sim-market.ts';

const CandleSnapshotBody = z.object({
  type: z.literal('candleSnapshot'),
  req: z.object({
    coin: z.string(),
    interval: TimeframeSchema,
    startTime: z.number().int(),
    endTime: z.number().int().optional(),
  }),
});

const SubscribeMessage = z.object({
  method: z.enum(['subscribe', 'unsubscribe']),
  subscription: z.object({ type: z.literal('candle'), coin: z.string(), interval: TimeframeSchema }),
});

/** Options for {@link startHlSim}. */
export interface HlSimOptions {
  readonly market: SimMarket;
  readonly clock: SimClock;
  readonly host?: string;
  readonly port?: number;
  /** Request weight per IP per window, as the venue enforces it (Hyperliquid: 1200 per minute). */
  readonly weightBudget?: number;
  readonly weightWindowMs?: number;
  /** Delay added to every /info answer, to make long downloads observable in tests. */
  readonly latencyMs?: number;
}

/** Counters a test can assert on. */
export interface HlSimStats {
  infoRequests: number;
  rateLimited: number;
  wsConnections: number;
}

/** A running simulated exchange. */
export interface RunningHlSim {
  readonly url: string;
  readonly wsUrl: string;
  readonly stats: HlSimStats;
  /** Closes every WebSocket connection, as a network drop would. */
  dropConnections(): void;
  /** While false, new WebSocket connections are refused (an outage). */
  setAcceptingConnections(accepting: boolean): void;
  close(): Promise<void>;
}

/**
 * hl-sim: a local Hyperliquid-compatible exchange for tests and offline development. This is
 * its market data side: POST /info (`candleSnapshot`, `allMids`, `meta`) with the venue's
 * request weights and 429s, and the /ws `candle` subscription with ping/pong. Anything else
 * answers 501 (not simulated yet), never a made-up success.
 */
export async function startHlSim(options: HlSimOptions): Promise<RunningHlSim> {
  const { market, clock } = options;
  const stats: HlSimStats = { infoRequests: 0, rateLimited: 0, wsConnections: 0 };
  const limiters = new Map<string, WeightLimiter>();
  let accepting = true;

  const limiterFor = (ip: string) => {
    let limiter = limiters.get(ip);
    if (!limiter) {
      limiter = new WeightLimiter({
        budget: options.weightBudget ?? 1200,
        windowMs: options.weightWindowMs ?? 60_000,
        share: 1,
      });
      limiters.set(ip, limiter);
    }
    return limiter;
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => sendJson(res, 500, { error: (error as Error).message }));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://sim').pathname;
    if (req.method !== 'POST' || (path !== '/info' && path !== '/exchange')) {
      res.writeHead(404).end();
      return;
    }
    const body = await readJson(req);
    if (path === '/exchange') {
      sendJson(res, 501, 'hl-sim does not simulate the exchange endpoint yet');
      return;
    }
    stats.infoRequests++;
    const limiter = limiterFor(req.socket.remoteAddress ?? '?');
    const type = (body as { type?: unknown } | null)?.type;
    const baseWeight = type === 'allMids' || type === 'l2Book' ? 2 : 20;
    if (limiter.used() + baseWeight > limiter.capacity) {
      stats.rateLimited++;
      res.writeHead(429, { 'content-type': 'text/plain', 'retry-after': '1' }).end('Too Many Requests');
      return;
    }
    const settle = await limiter.reserve(baseWeight);
    if (options.latencyMs) await new Promise((resolve) => setTimeout(resolve, options.latencyMs));
    if (type === 'candleSnapshot') {
      const parsed = CandleSnapshotBody.safeParse(body);
      if (!parsed.success || !market.has(parsed.data.req.coin)) {
        sendJson(res, 422, 'Failed to deserialize the JSON body into the target type');
        return;
      }
      const { coin, interval, startTime, endTime } = parsed.data.req;
      const candles = market.candles(coin, interval, startTime, endTime ?? clock.now());
      settle(baseWeight + Math.floor(candles.length / 60));
      sendJson(res, 200, candles);
      return;
    }
    if (type === 'allMids') {
      sendJson(res, 200, market.mids());
      return;
    }
    if (type === 'meta') {
      sendJson(res, 200, {
        universe: market.coins.map((c) => ({ name: c.name, szDecimals: c.szDecimals ?? 5, maxLeverage: 50 })),
      });
      return;
    }
    sendJson(res, 501, `hl-sim does not simulate info type ${JSON.stringify(type)} yet`);
  }

  const wss = new WebSocketServer({ noServer: true });
  const subscriptions = new Map<WebSocket, Map<string, { coin: string; interval: Timeframe }>>();

  server.on('upgrade', (req, socket, head) => {
    if (new URL(req.url ?? '/', 'http://sim').pathname !== '/ws' || !accepting) {
      socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      stats.wsConnections++;
      subscriptions.set(ws, new Map());
      ws.on('close', () => subscriptions.delete(ws));
      ws.on('message', (data) => onMessage(ws, String(data)));
    });
  });

  function onMessage(ws: WebSocket, text: string): void {
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      ws.send(JSON.stringify({ channel: 'error', data: `Invalid JSON: ${text.slice(0, 100)}` }));
      return;
    }
    if ((message as { method?: unknown } | null)?.method === 'ping') {
      ws.send('{"channel":"pong"}');
      return;
    }
    const parsed = SubscribeMessage.safeParse(message);
    if (!parsed.success || !market.has(parsed.data.subscription.coin)) {
      ws.send(
        JSON.stringify({
          channel: 'error',
          data: `Invalid subscription ${JSON.stringify((message as { subscription?: unknown }).subscription ?? message)}`,
        }),
      );
      return;
    }
    const { method, subscription } = parsed.data;
    const key = `${subscription.coin}:${subscription.interval}`;
    const subs = subscriptions.get(ws);
    if (method === 'subscribe') subs?.set(key, { coin: subscription.coin, interval: subscription.interval });
    else subs?.delete(key);
    ws.send(JSON.stringify({ channel: 'subscriptionResponse', data: { method, subscription } }));
    if (method === 'subscribe') push(ws, subscription.coin, subscription.interval);
  }

  function push(ws: WebSocket, coin: string, interval: Timeframe): void {
    const candle = market.current(coin, interval);
    if (candle && ws.readyState === ws.OPEN) ws.send(JSON.stringify({ channel: 'candle', data: candle }));
  }

  const unsubscribe = clock.onTick(() => {
    for (const [ws, subs] of subscriptions) for (const { coin, interval } of subs.values()) push(ws, coin, interval);
  });

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const host = options.host ?? '127.0.0.1';
  return {
    url: `http://${host}:${port}`,
    wsUrl: `ws://${host}:${port}/ws`,
    stats,
    dropConnections() {
      for (const ws of wss.clients) ws.terminate();
    },
    setAcceptingConnections(value) {
      accepting = value;
    },
    async close() {
      unsubscribe();
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > 1024 * 1024) throw new Error('body too large');
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return null;
  }
}

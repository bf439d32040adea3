import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { WebSocketServer, type WebSocket } from 'ws';
import { TimeframeSchema } from '../../shared/values/timeframe.ts';
import { WeightLimiter } from '../hyperliquid/weight-limiter.ts';
import { SimExchange } from './exchange/sim-exchange.ts';
import { FundingHistoryBody, SIM_HOURLY_INTEREST, UserFundingBody } from './sim-funding.ts';
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

const Address = z.string().regex(/^0x[0-9a-fA-F]{40}$/);
const SubscriptionSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('candle'), coin: z.string(), interval: TimeframeSchema }),
  z.object({ type: z.literal('orderUpdates'), user: Address }),
  z.object({ type: z.literal('userFills'), user: Address, aggregateByTime: z.boolean().optional() }),
  z.object({ type: z.literal('userEvents'), user: Address }),
  z.object({ type: z.literal('allMids'), dex: z.string().optional() }),
  z.object({ type: z.literal('l2Book'), coin: z.string() }).loose(),
  z.object({ type: z.literal('trades'), coin: z.string() }),
]);
type Subscription = z.infer<typeof SubscriptionSchema>;

const SubscribeMessage = z.object({
  method: z.enum(['subscribe', 'unsubscribe']),
  subscription: SubscriptionSchema,
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
  /** The network signatures are checked against (default testnet). */
  readonly isTestnet?: boolean;
}

/** Counters a test can assert on. */
export interface HlSimStats {
  infoRequests: number;
  exchangeRequests: number;
  rateLimited: number;
  wsConnections: number;
}

/** A running simulated exchange. */
export interface RunningHlSim {
  readonly url: string;
  readonly wsUrl: string;
  readonly stats: HlSimStats;
  /** The exchange side: accounts, prices and order scenarios for tests. */
  readonly exchange: SimExchange;
  /** Answers the next `count` HTTP requests with 429 and this Retry-After (a rate-limit storm). */
  rateLimitNext(count: number, retryAfterSeconds?: number): void;
  /** Holds every /exchange answer this long (a slow venue; 0 to stop). */
  delayExchange(ms: number): void;
  /** Closes every WebSocket connection, as a network drop would. */
  dropConnections(): void;
  /** While false, new WebSocket connections are refused (an outage). */
  setAcceptingConnections(accepting: boolean): void;
  close(): Promise<void>;
}

/**
 * hl-sim: a local Hyperliquid-compatible exchange for tests and offline development. POST
 * /info (market data, accounts, orders, fills, fundingHistory and userFunding) and /exchange
 * (signed actions, see {@link SimExchange}, which also settles hourly funding) with the
 * venue's request weights and 429s; /ws with candle, allMids, l2Book, trades, orderUpdates,
 * userFills and userEvents (fills and funding) subscriptions and ping/pong. Anything else
 * answers 501 (not simulated), never a made-up success.
 */
export async function startHlSim(options: HlSimOptions): Promise<RunningHlSim> {
  const { market, clock } = options;
  const stats: HlSimStats = { infoRequests: 0, exchangeRequests: 0, rateLimited: 0, wsConnections: 0 };
  const limiters = new Map<string, WeightLimiter>();
  const exchange = new SimExchange({ market, clock, isTestnet: options.isTestnet ?? true });
  let accepting = true;
  // Mids follow the exchange's marks, so a price a test pins is the price everyone sees.
  const mids = () => Object.fromEntries(market.coins.map((c) => [c.name, exchange.mark(c.name).toFixed()]));
  let forced429 = 0;
  let forcedRetryAfter = 1;
  let exchangeDelayMs = 0;

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
    const limiter = limiterFor(req.socket.remoteAddress ?? '?');
    const tooMany = (weight: number) => {
      const forcing = forced429 > 0;
      if (!forcing && limiter.used() + weight <= limiter.capacity) return false;
      if (forcing) forced429--;
      stats.rateLimited++;
      const retryAfter = forcing ? forcedRetryAfter : 1;
      res.writeHead(429, { 'content-type': 'text/plain', 'retry-after': String(retryAfter) }).end('Too Many Requests');
      return true;
    };
    if (path === '/exchange') {
      stats.exchangeRequests++;
      const orders = (body as { action?: { orders?: unknown[] } } | null)?.action?.orders;
      const weight = 1 + Math.floor((Array.isArray(orders) ? orders.length : 0) / 40);
      if (tooMany(weight)) return;
      await limiter.reserve(weight);
      if (exchangeDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, exchangeDelayMs));
      const reply = await exchange.exchange(body);
      if (typeof reply.body === 'string' && reply.status !== 200) {
        res.writeHead(reply.status, { 'content-type': 'text/plain' }).end(reply.body);
      } else sendJson(res, reply.status, reply.body);
      return;
    }
    stats.infoRequests++;
    const type = (body as { type?: unknown } | null)?.type;
    const baseWeight = ['allMids', 'l2Book', 'clearinghouseState', 'orderStatus'].includes(String(type)) ? 2 : 20;
    if (tooMany(baseWeight)) return;
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
      sendJson(res, 200, mids());
      return;
    }
    if (type === 'fundingHistory') {
      const parsed = FundingHistoryBody.safeParse(body);
      if (!parsed.success || !market.has(parsed.data.coin)) {
        sendJson(res, 422, 'Failed to deserialize the JSON body into the target type');
        return;
      }
      const { coin, startTime, endTime } = parsed.data;
      const history = exchange.funding.history(coin, startTime, endTime ?? clock.now(), clock.now());
      settle(baseWeight + Math.floor(history.length / 20));
      sendJson(res, 200, history);
      return;
    }
    if (type === 'userFunding') {
      const parsed = UserFundingBody.safeParse(body);
      if (!parsed.success) {
        sendJson(res, 422, 'Failed to deserialize the JSON body into the target type');
        return;
      }
      const { user, startTime, endTime } = parsed.data;
      const payments = exchange.fundingPayments(user, startTime, endTime ?? clock.now());
      settle(baseWeight + Math.floor(payments.length / 20));
      sendJson(res, 200, payments);
      return;
    }
    const meta = {
      universe: market.coins.map((c) => ({
        name: c.name,
        szDecimals: c.szDecimals ?? 5,
        maxLeverage: c.maxLeverage ?? 50,
      })),
    };
    if (type === 'meta') {
      sendJson(res, 200, meta);
      return;
    }
    if (type === 'metaAndAssetCtxs') {
      const mids = market.mids();
      const ctxs = market.coins.map((c) => {
        const mark = exchange.mark(c.name).toFixed();
        const funding = exchange.funding.nextRate(c.name, clock.now());
        return {
          dayNtlVlm: '0',
          funding: funding.toFixed(),
          impactPxs: null,
          markPx: mark,
          midPx: mids[c.name] ?? mark,
          openInterest: '0',
          oraclePx: mark,
          premium: funding.minus(SIM_HOURLY_INTEREST).toFixed(),
          prevDayPx: mark,
          dayBaseVlm: '0',
        };
      });
      sendJson(res, 200, [meta, ctxs]);
      return;
    }
    const answer = exchange.info((body ?? {}) as Record<string, unknown>);
    if (answer !== undefined) {
      const items = Array.isArray(answer) ? answer.length : 0;
      settle(baseWeight + (type === 'userFills' || type === 'userFillsByTime' ? Math.floor(items / 20) : 0));
      sendJson(res, 200, answer);
      return;
    }
    sendJson(res, 501, `hl-sim does not simulate info type ${JSON.stringify(type)}`);
  }

  const wss = new WebSocketServer({ noServer: true });
  const subscriptions = new Map<WebSocket, Map<string, Subscription>>();

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

  function send(ws: WebSocket, channel: string, data: unknown): void {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ channel, data }));
  }

  function onMessage(ws: WebSocket, text: string): void {
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      send(ws, 'error', `Invalid JSON: ${text.slice(0, 100)}`);
      return;
    }
    const method = (message as { method?: unknown } | null)?.method;
    if (method === 'ping') {
      ws.send('{"channel":"pong"}');
      return;
    }
    if (method === 'post') {
      send(ws, 'error', 'hl-sim does not simulate post requests over WebSocket; use HTTP');
      return;
    }
    const parsed = SubscribeMessage.safeParse(message);
    const sub = parsed.success ? parsed.data.subscription : null;
    if (!parsed.success || !sub || ('coin' in sub && !market.has(sub.coin))) {
      send(
        ws,
        'error',
        `Invalid subscription ${JSON.stringify((message as { subscription?: unknown }).subscription ?? message)}`,
      );
      return;
    }
    const key = JSON.stringify(
      sub.type === 'orderUpdates' || sub.type === 'userFills' || sub.type === 'userEvents'
        ? { ...sub, user: sub.user.toLowerCase() }
        : sub,
    );
    const subs = subscriptions.get(ws);
    if (parsed.data.method === 'subscribe') {
      if (subs?.has(key)) {
        send(ws, 'error', `Already subscribed: ${JSON.stringify(sub)}`);
        return;
      }
      subs?.set(key, sub);
    } else if (!subs?.delete(key)) {
      send(ws, 'error', `Already unsubscribed: ${JSON.stringify(sub)}`);
      return;
    }
    send(ws, 'subscriptionResponse', { method: parsed.data.method, subscription: sub });
    if (parsed.data.method === 'subscribe') snapshot(ws, sub);
  }

  /** What a new subscription gets at once: the current candle, mids or book, or the user's fills. */
  function snapshot(ws: WebSocket, sub: Subscription): void {
    if (sub.type === 'candle') {
      const candle = market.current(sub.coin, sub.interval);
      if (candle) send(ws, 'candle', candle);
    } else if (sub.type === 'allMids') {
      send(ws, 'allMids', { mids: mids() });
    } else if (sub.type === 'l2Book') {
      send(ws, 'l2Book', exchange.info({ type: 'l2Book', coin: sub.coin }));
    } else if (sub.type === 'userFills') {
      const fills = exchange.info({ type: 'userFills', user: sub.user });
      send(ws, 'userFills', { isSnapshot: true, user: sub.user.toLowerCase(), fills });
    }
  }

  const unsubscribe = clock.onTick(() => {
    for (const [ws, subs] of subscriptions) {
      for (const sub of subs.values())
        if (sub.type === 'candle' || sub.type === 'allMids' || sub.type === 'l2Book') snapshot(ws, sub);
    }
  });

  const unlistenTape = exchange.onTrade((trade) => {
    for (const [ws, subs] of subscriptions) {
      for (const sub of subs.values())
        if (sub.type === 'trades' && sub.coin === trade.coin) send(ws, 'trades', [trade]);
    }
  });

  const unlisten = exchange.onEvent((event) => {
    const wanted = event.channel === 'user' ? 'userEvents' : event.channel;
    for (const [ws, subs] of subscriptions) {
      for (const sub of subs.values()) {
        if (sub.type === wanted && 'user' in sub && sub.user.toLowerCase() === event.user)
          send(ws, event.channel, event.data);
      }
    }
  });

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const host = options.host ?? '127.0.0.1';
  return {
    url: `http://${host}:${port}`,
    wsUrl: `ws://${host}:${port}/ws`,
    stats,
    exchange,
    rateLimitNext(count, retryAfterSeconds = 1) {
      forced429 = count;
      forcedRetryAfter = retryAfterSeconds;
    },
    delayExchange(ms) {
      exchangeDelayMs = ms;
    },
    dropConnections() {
      for (const ws of wss.clients) ws.terminate();
    },
    setAcceptingConnections(value) {
      accepting = value;
    },
    async close() {
      unsubscribe();
      unlisten();
      unlistenTape();
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

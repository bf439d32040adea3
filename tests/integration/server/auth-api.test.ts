import { createConnection } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { EngineGateway } from '../../../src/host/engine-gateway.ts';
import type { EventMessage } from '../../../src/shared/contract/protocol.ts';
import { generateToken, hashToken } from '../../../src/server/auth/api-tokens.ts';
import type { ApiRole } from '../../../src/server/auth/auth-config.ts';
import { startHttpServer, WS_CLOSE_UNAUTHORIZED, type HttpServerOptions } from '../../../src/server/http-server.ts';
import { SAMPLE_LOAD } from '../../helpers/engine-config.ts';
import { startTestServer } from '../../helpers/start-server.ts';

const TOKENS = { viewer: generateToken(), trader: generateToken(), admin: generateToken() } as const;
const WRONG_TOKEN = generateToken();
const tokenConfig = (Object.keys(TOKENS) as ApiRole[]).map((role) => ({
  name: `${role}-user`,
  role,
  sha256: hashToken(TOKENS[role]),
}));

const TICKET = { side: 'buy', kind: 'market', qty: '0.01' };

let env: Awaited<ReturnType<typeof startTestServer>>;
const logs: string[] = [];
const requestsSeen: number[] = [];
const bodies: string[] = [];

beforeAll(async () => {
  env = await startTestServer({
    server: {
      auth: { tokens: tokenConfig, rateLimit: { perSecond: 1000, burst: 1000 } },
      log: (level, message) => logs.push(`${level} ${message}`),
      onRequest: (status) => requestsSeen.push(status),
      opsRoutes: { '/readyz': (_req, res) => void res.writeHead(503).end('not ready\n') },
    },
  });
});
afterAll(async () => {
  await env.stop();
});

/** POST a command; keeps every body so the token test can search them. */
async function post(command: string, payload: unknown, token?: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${env.url}/api/v1/commands/${command}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      ...headers,
    },
    body: JSON.stringify(payload),
  });
  const text = await res.text();
  bodies.push(text);
  return {
    status: res.status,
    headers: res.headers,
    body: JSON.parse(text) as { error?: { code: string; message: string } },
  };
}

/** Opens a raw socket; rejects with the handshake's status when refused. */
function openSocket(headers: Record<string, string> = {}, url = env.wsUrl) {
  const ws = new WebSocket(url, { headers });
  const messages: Record<string, unknown>[] = [];
  ws.on('message', (data) => {
    bodies.push(String(data));
    messages.push(JSON.parse(String(data)) as Record<string, unknown>);
  });
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => reject(new Error(`refused ${res.statusCode}`)));
    ws.once('error', reject);
  });
  const next = async (predicate: (m: Record<string, unknown>) => boolean) => {
    for (let i = 0; i < 300; i++) {
      const found = messages.find(predicate);
      if (found) return found;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error('no matching message');
  };
  const request = (id: string, command: string, payload: unknown) =>
    ws.send(JSON.stringify({ v: 1, type: 'request', id, command, payload }));
  return { ws, opened, messages, next, request };
}

describe('HTTP API with tokens', () => {
  it('refuses requests without a token or with a wrong one (401, WWW-Authenticate)', async () => {
    const none = await post('GetEngineStatus', {});
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="hyperdesk"');
    expect(none.body.error?.code).toBe('UNAUTHORIZED');
    const wrong = await post('GetEngineStatus', {}, WRONG_TOKEN);
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toContain('error="invalid_token"');
    const malformed = await post('GetEngineStatus', {}, undefined, { authorization: 'Basic abc' });
    expect(malformed.status).toBe(401);
  });

  it('lets a viewer read but not trade (403 naming the role needed)', async () => {
    const status = await post('GetEngineStatus', {}, TOKENS.viewer);
    expect(status.status).toBe(200);
    const ticket = await post('SubmitTicket', TICKET, TOKENS.viewer);
    expect(ticket.status).toBe(403);
    expect(ticket.body.error).toEqual({
      name: 'ForbiddenError',
      code: 'FORBIDDEN',
      message: 'SubmitTicket needs the trader role; viewer-user has the viewer role',
    });
  });

  it('lets a trader trade: the ticket reaches the engine', async () => {
    // A research engine has no trading session, so the engine itself answers; what matters is
    // that the front door let it through and the engine, not auth, decided.
    const ticket = await post('SubmitTicket', TICKET, TOKENS.trader);
    expect([401, 403, 429]).not.toContain(ticket.status);
    expect(ticket.body.error?.code ?? 'none').not.toMatch(/UNAUTHORIZED|FORBIDDEN/);
    // And the engine validates the payload as usual: it got there.
    const bad = await post('SubmitTicket', { side: 'sideways' }, TOKENS.trader);
    expect(bad.status).toBe(400);
    expect(bad.body.error?.message).toMatch(/^SubmitTicket: payload: /);
  });

  it("refuses a trader a session on a venue URL other than Hyperliquid's", async () => {
    // Nothing listens on the discard port: the admin's request reaches the engine and fails there.
    const custom = { coin: 'BTC', apiUrl: 'http://127.0.0.1:9' };
    const trader = await post('StartPaperSession', custom, TOKENS.trader);
    expect(trader.status).toBe(403);
    expect(trader.body.error?.message).toBe(
      "StartPaperSession on a venue other than Hyperliquid's needs the admin role; trader-user has the trader role",
    );
    const admin = await post('StartPaperSession', custom, TOKENS.admin);
    expect(admin.body.error?.code ?? 'none').not.toMatch(/UNAUTHORIZED|FORBIDDEN/);
  });

  it('keeps admin commands (settings, secrets, unclassified ones) for admins', async () => {
    const trader = await post('UpdateSettings', {}, TOKENS.trader);
    expect(trader.status).toBe(403);
    expect(trader.body.error?.message).toContain('needs the admin role');
    const unknownForTrader = await post('NoSuchCommand', {}, TOKENS.trader);
    expect(unknownForTrader.status).toBe(403);
    const admin = await post('GetEngineStatus', {}, TOKENS.admin);
    expect(admin.status).toBe(200);
    const adminUnknown = await post('NoSuchCommand', {}, TOKENS.admin);
    expect(adminUnknown.status).toBe(404);
    expect(adminUnknown.body.error?.code).toBe('UNKNOWN_COMMAND');
  });

  it('serves ops routes and /healthz without a token and reports API requests to onRequest', async () => {
    const ready = await fetch(`${env.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.text()).toBe('not ready\n');
    expect((await fetch(`${env.url}/healthz`)).status).toBe(200);
    const before = requestsSeen.length;
    await post('GetEngineStatus', {}, TOKENS.viewer);
    await post('GetEngineStatus', {});
    await expect.poll(() => requestsSeen.slice(before)).toEqual([200, 401]);
  });
});

describe('WebSocket API with tokens', () => {
  it('refuses the handshake without a valid token', async () => {
    await expect(openSocket().opened).rejects.toThrow('refused 401');
    await expect(openSocket({ authorization: `Bearer ${WRONG_TOKEN}` }).opened).rejects.toThrow('refused 401');
    await expect(openSocket({ cookie: 'hyperdesk_session=forged' }).opened).rejects.toThrow('refused 401');
  });

  it('lets a viewer query and receive events, but not trade', async () => {
    const socket = openSocket({ authorization: `Bearer ${TOKENS.viewer}` });
    await socket.opened;
    socket.request('q1', 'GetEngineStatus', {});
    expect(await socket.next((m) => m.id === 'q1')).toMatchObject({ ok: true, result: { state: 'running' } });
    socket.request('q2', 'SubmitTicket', TICKET);
    expect(await socket.next((m) => m.id === 'q2')).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN', message: 'SubmitTicket needs the trader role; viewer-user has the viewer role' },
    });
    // Events fan out to this authenticated client.
    socket.request('q3', 'LoadCandles', SAMPLE_LOAD);
    await socket.next((m) => m.id === 'q3');
    await socket.next((m) => m.type === 'event' && m.event === 'CandlesLoaded');
    socket.ws.close();
  });

  it('signs a browser in with a token: HttpOnly SameSite=Strict cookie, usable on the WebSocket, ended by sign-out', async () => {
    const status = await fetch(`${env.url}/api/v1/session`);
    expect(await status.json()).toEqual({ authRequired: true, principal: null });

    const wrong = await fetch(`${env.url}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: env.url },
      body: JSON.stringify({ token: WRONG_TOKEN }),
    });
    expect(wrong.status).toBe(401);
    bodies.push(await wrong.text());
    expect(wrong.headers.get('set-cookie')).toBeNull();

    const res = await fetch(`${env.url}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: env.url },
      body: JSON.stringify({ token: TOKENS.viewer }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ authRequired: true, principal: { name: 'viewer-user', role: 'viewer' } });
    const setCookie = res.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^hyperdesk_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict$/);
    const cookie = setCookie.split(';')[0] ?? '';
    expect(cookie).not.toContain(TOKENS.viewer);

    const me = await fetch(`${env.url}/api/v1/session`, { headers: { cookie } });
    expect(await me.json()).toEqual({ authRequired: true, principal: { name: 'viewer-user', role: 'viewer' } });

    const socket = openSocket({ cookie, origin: env.url });
    await socket.opened;
    socket.request('c1', 'GetEngineStatus', {});
    expect(await socket.next((m) => m.id === 'c1')).toMatchObject({ ok: true });
    const closed = new Promise<number>((resolve) => socket.ws.once('close', (code) => resolve(code)));

    // Sign-in from another site is refused (the cookie is SameSite=Strict as well).
    const foreign = await fetch(`${env.url}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://evil.example' },
      body: JSON.stringify({ token: TOKENS.viewer }),
    });
    expect(foreign.status).toBe(403);

    const out = await fetch(`${env.url}/api/v1/session`, { method: 'DELETE', headers: { cookie, origin: env.url } });
    expect(out.status).toBe(200);
    expect(out.headers.get('set-cookie')).toContain('Max-Age=0');
    expect(await closed).toBe(WS_CLOSE_UNAUTHORIZED);
    const after = await post('GetEngineStatus', {}, undefined, { cookie });
    expect(after.status).toBe(401);
    await expect(openSocket({ cookie, origin: env.url }).opened).rejects.toThrow('refused 401');
  });
});

describe('secrecy of tokens', () => {
  it('never writes a token into a log line or an error message', async () => {
    // Every test above ran with these tokens, wrong ones included; add a few odd cases.
    await post('GetEngineStatus', {}, `${WRONG_TOKEN}x`);
    await fetch(`${env.url}/api/v1/commands/GetEngineStatus?token=${TOKENS.admin}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    }).then(async (r) => bodies.push(await r.text()));
    await expect(openSocket({ authorization: `Bearer ${WRONG_TOKEN}` }).opened).rejects.toThrow();
    expect(logs.some((line) => line.includes('refused'))).toBe(true);
    const everything = [...logs, ...bodies].join('\n');
    for (const token of [...Object.values(TOKENS), WRONG_TOKEN]) {
      expect(everything).not.toContain(token);
      // Nor its hash, which is what the configuration holds.
      expect(everything).not.toContain(hashToken(token));
    }
  });
});

/** A gateway that answers every request at once: these tests are about the front door. */
const echoEngine: EngineGateway = {
  state: 'running',
  request: (message) => Promise.resolve({ v: 1, type: 'response', id: message.id, ok: true, result: {} }),
  onEvent: () => () => undefined,
};

/** A server on a free loopback port with `options` (an engine, at least) and test defaults. */
function loopbackServer(options: Partial<HttpServerOptions> & Pick<HttpServerOptions, 'engine'>) {
  return startHttpServer({ staticDir: null, host: '127.0.0.1', port: 0, version: 't', ...options });
}

describe('/healthz', () => {
  it('answers 503 once the engine has failed for good, so a liveness probe restarts the process', async () => {
    let state: EngineGateway['state'] = 'restarting';
    const engine: EngineGateway = {
      get state() {
        return state;
      },
      request: echoEngine.request,
      onEvent: echoEngine.onEvent,
    };
    const server = await loopbackServer({ engine });
    try {
      const restarting = await fetch(`${server.url}/healthz`);
      expect(restarting.status).toBe(200);
      state = 'failed';
      const failed = await fetch(`${server.url}/healthz`);
      expect(failed.status).toBe(503);
      expect(await failed.json()).toMatchObject({ status: 'engine failed', engine: 'failed' });
    } finally {
      await server.close();
    }
  });
});

describe('rate limit', () => {
  it('answers 429 with Retry-After past the burst, over HTTP and WebSocket, then recovers', async () => {
    const token = generateToken();
    const server = await loopbackServer({
      engine: echoEngine,
      auth: {
        tokens: [{ name: 'bot', role: 'viewer', sha256: hashToken(token) }],
        rateLimit: { perSecond: 4, burst: 4 },
      },
    });
    try {
      const call = () =>
        fetch(`${server.url}/api/v1/commands/GetEngineStatus`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: '{}',
        });
      const statuses: number[] = [];
      let limited: Response | null = null;
      for (let i = 0; i < 6; i++) {
        const res = await call();
        statuses.push(res.status);
        if (res.status === 429) limited = res;
      }
      expect(statuses.slice(0, 4)).toEqual([200, 200, 200, 200]);
      expect(statuses.at(-1)).toBe(429);
      expect(limited?.headers.get('retry-after')).toBe('1');
      expect(await limited?.json()).toMatchObject({ error: { code: 'RATE_LIMITED' } });

      await new Promise((r) => setTimeout(r, 1100));
      // Recovered; and the WebSocket handshake plus its messages draw on the same bucket.
      const ws = new WebSocket(`${server.url.replace('http', 'ws')}/api/v1/ws`, {
        headers: { authorization: `Bearer ${token}` },
      });
      const answers: Record<string, unknown>[] = [];
      ws.on('message', (d) => answers.push(JSON.parse(String(d)) as Record<string, unknown>));
      await new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('error', reject);
      });
      for (let i = 0; i < 8; i++) {
        ws.send(JSON.stringify({ v: 1, type: 'request', id: `m${i}`, command: 'GetEngineStatus', payload: {} }));
      }
      await expect.poll(() => answers.filter((m) => m.type === 'response').length).toBe(8);
      const codes = answers
        .filter((m) => m.type === 'response')
        .map((m) => (m.ok ? 'ok' : (m.error as { code: string }).code));
      expect(codes.filter((c) => c === 'ok').length).toBeGreaterThanOrEqual(3);
      expect(codes.filter((c) => c === 'ok').length).toBeLessThanOrEqual(4);
      expect(codes.filter((c) => c === 'RATE_LIMITED').length).toBeGreaterThanOrEqual(4);
      ws.close();
      await new Promise((r) => setTimeout(r, 1100));
      expect((await call()).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('keys unauthenticated callers by address, so wrong tokens are limited too', async () => {
    const server = await loopbackServer({
      engine: echoEngine,
      auth: {
        tokens: [{ name: 'bot', role: 'viewer', sha256: hashToken(generateToken()) }],
        rateLimit: { perSecond: 1, burst: 3 },
      },
    });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await fetch(`${server.url}/api/v1/session`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ token: generateToken() }),
        });
        statuses.push(res.status);
      }
      expect(statuses).toEqual([401, 401, 401, 429, 429]);
    } finally {
      await server.close();
    }
  });
});

describe('CORS', () => {
  it('sends CORS headers and answers preflights only for listed origins', async () => {
    const token = generateToken();
    const server = await loopbackServer({
      engine: echoEngine,
      auth: {
        tokens: [{ name: 'dash', role: 'viewer', sha256: hashToken(token) }],
        corsOrigins: ['https://dash.example'],
      },
    });
    try {
      const preflight = (origin: string) =>
        fetch(`${server.url}/api/v1/commands/GetEngineStatus`, {
          method: 'OPTIONS',
          headers: {
            origin,
            'access-control-request-method': 'POST',
            'access-control-request-headers': 'authorization',
          },
        });
      const listed = await preflight('https://dash.example');
      expect(listed.status).toBe(204);
      expect(listed.headers.get('access-control-allow-origin')).toBe('https://dash.example');
      expect(listed.headers.get('access-control-allow-headers')).toContain('authorization');
      const other = await preflight('https://evil.example');
      expect(other.status).toBe(403);
      const corsHeaders = (res: Response) => [...res.headers.keys()].filter((k) => k.startsWith('access-control-'));
      expect(corsHeaders(other)).toEqual([]);

      const call = (origin?: string) =>
        fetch(`${server.url}/api/v1/commands/GetEngineStatus`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${token}`,
            ...(origin ? { origin } : {}),
          },
          body: '{}',
        });
      const fromListed = await call('https://dash.example');
      expect(fromListed.status).toBe(200);
      expect(fromListed.headers.get('access-control-allow-origin')).toBe('https://dash.example');
      const fromOther = await call('https://evil.example');
      expect(fromOther.status).toBe(403);
      expect(corsHeaders(fromOther)).toEqual([]);
      const noOrigin = await call();
      expect(noOrigin.status).toBe(200);
      expect(corsHeaders(noOrigin)).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it('has CORS off by default', async () => {
    const server = await loopbackServer({
      engine: echoEngine,
      auth: {},
    });
    try {
      const res = await fetch(`${server.url}/api/v1/commands/GetEngineStatus`, {
        method: 'OPTIONS',
        headers: { origin: 'https://dash.example', 'access-control-request-method': 'POST' },
      });
      expect(res.status).toBe(403);
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await server.close();
    }
  });
});

describe('open API', () => {
  it('is refused on a non-loopback address', async () => {
    await expect(
      startHttpServer({ engine: echoEngine, staticDir: null, host: '0.0.0.0', port: 0, version: 't', auth: {} }),
    ).rejects.toThrow(/^auth\.tokens: none configured/);
  });

  it('needs no token on loopback when none is configured, and says so to the UI', async () => {
    const server = await loopbackServer({
      engine: echoEngine,
      auth: {},
    });
    try {
      const status = await fetch(`${server.url}/api/v1/session`);
      expect(await status.json()).toEqual({ authRequired: false, principal: { name: 'local', role: 'admin' } });
      const res = await fetch(`${server.url}/api/v1/commands/UpdateSettings`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      expect(res.status).toBe(200);
    } finally {
      await server.close();
    }
  });
});

/** A gateway whose events the test pushes, answering every request at once. */
function eventEngine() {
  const listeners = new Set<(event: EventMessage) => void>();
  let seq = 0;
  const gateway: EngineGateway = {
    state: 'running',
    request: echoEngine.request,
    onEvent: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  const emit = (event: string, payload: unknown) => {
    for (const listener of listeners) listener({ v: 1, type: 'event', event, seq: seq++, payload });
  };
  return { gateway, emit };
}

/** Opens a WebSocket on `url`; resolves once open, with its messages and close code. */
async function connect(url: string, headers: Record<string, string>) {
  const ws = new WebSocket(`${url.replace('http', 'ws')}/api/v1/ws`, { headers });
  const events: string[] = [];
  ws.on('message', (data) => {
    const message = JSON.parse(String(data)) as { type: string; event?: string };
    if (message.type === 'event' && message.event) events.push(message.event);
  });
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return { ws, events, closed };
}

describe('event fan-out', () => {
  it('pushes SettingsChanged (the GetSettings view) to traders and admins only, never to viewers', async () => {
    const engine = eventEngine();
    const server = await loopbackServer({
      engine: engine.gateway,
      auth: { tokens: tokenConfig },
    });
    try {
      const viewer = await connect(server.url, { authorization: `Bearer ${TOKENS.viewer}` });
      const trader = await connect(server.url, { authorization: `Bearer ${TOKENS.trader}` });
      const admin = await connect(server.url, { authorization: `Bearer ${TOKENS.admin}` });
      engine.emit('SettingsChanged', { settings: { accountAddress: '0x'.padEnd(42, '1') } });
      engine.emit('CandlesLoaded', {});
      // Every socket gets the event every role may see; only the viewer misses the settings.
      await expect.poll(() => viewer.events).toEqual(['CandlesLoaded']);
      await expect.poll(() => trader.events).toEqual(['SettingsChanged', 'CandlesLoaded']);
      await expect.poll(() => admin.events).toEqual(['SettingsChanged', 'CandlesLoaded']);
      for (const socket of [viewer, trader, admin]) socket.ws.close();
    } finally {
      await server.close();
    }
  });

  it('closes a browser socket whose session expired at the next event instead of streaming on', async () => {
    const engine = eventEngine();
    const server = await loopbackServer({
      engine: engine.gateway,
      // 0.0004 h ≈ 1.4 s: long enough to connect, short enough to wait out.
      auth: { tokens: tokenConfig, sessionHours: 0.0004 },
    });
    try {
      const signIn = await fetch(`${server.url}/api/v1/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: server.url },
        body: JSON.stringify({ token: TOKENS.trader }),
      });
      const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
      const browser = await connect(server.url, { cookie, origin: server.url });
      const bearer = await connect(server.url, { authorization: `Bearer ${TOKENS.trader}` });
      engine.emit('CandlesLoaded', {});
      await expect.poll(() => browser.events).toEqual(['CandlesLoaded']);
      await new Promise((r) => setTimeout(r, 1600));
      engine.emit('TradingStateChanged', {});
      expect(await browser.closed).toBe(WS_CLOSE_UNAUTHORIZED);
      expect(browser.events).toEqual(['CandlesLoaded']);
      // A bearer-token socket has no session to expire and keeps receiving.
      await expect.poll(() => bearer.events).toEqual(['CandlesLoaded', 'TradingStateChanged']);
      bearer.ws.close();
    } finally {
      await server.close();
    }
  });
});

describe('open API off loopback', () => {
  it('is refused when auth is left out entirely, not only when it has no tokens', async () => {
    await expect(
      startHttpServer({ engine: echoEngine, staticDir: null, host: '0.0.0.0', port: 0, version: 't' }),
    ).rejects.toThrow(/^auth\.tokens: none configured/);
  });
});

describe('slow clients (slowloris)', () => {
  it('drops a connection that trickles its headers, but leaves an open WebSocket alone', async () => {
    const server = await loopbackServer({
      engine: echoEngine,
      timeouts: { headersMs: 300, requestMs: 600 },
    });
    try {
      const { port } = new URL(server.url);
      const ws = await connect(server.url, {});
      const socket = createConnection({ host: '127.0.0.1', port: Number(port) });
      let answer = '';
      socket.on('data', (chunk) => (answer += String(chunk)));
      const closedAt = new Promise<number>((resolve) => socket.once('close', () => resolve(performance.now())));
      const started = performance.now();
      socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n');
      // A header line every 100 ms, never the blank line that ends them.
      const drip = setInterval(() => socket.write('X-Drip: 1\r\n'), 100);
      try {
        const elapsed = (await closedAt) - started;
        expect(elapsed).toBeLessThan(5000);
        expect(answer).toMatch(/^HTTP\/1\.1 408/);
      } finally {
        clearInterval(drip);
        socket.destroy();
      }
      // Well past both timeouts, the upgraded socket still works.
      await new Promise((r) => setTimeout(r, 1500));
      expect(ws.ws.readyState).toBe(WebSocket.OPEN);
      const reply = new Promise<string>((resolve) => ws.ws.once('message', (d) => resolve(String(d))));
      ws.ws.send(JSON.stringify({ v: 1, type: 'request', id: 'late', command: 'GetEngineStatus', payload: {} }));
      expect(await reply).toContain('"id":"late"');
      ws.ws.close();
    } finally {
      await server.close();
    }
  });
});

describe('unexpected errors', () => {
  it('answers a generic 500 and keeps the internal message (server paths) in the log', async () => {
    const logged: string[] = [];
    const server = await loopbackServer({
      engine: echoEngine,
      log: (level, message) => logged.push(`${level} ${message}`),
      opsRoutes: {
        '/metrics': () => {
          throw new Error("EACCES: permission denied, open '/srv/hyperdesk/private/metrics.db'");
        },
      },
    });
    try {
      const res = await fetch(`${server.url}/metrics`);
      expect(res.status).toBe(500);
      const text = await res.text();
      expect(text).not.toContain('/srv/hyperdesk');
      expect(JSON.parse(text)).toEqual({
        error: { name: 'InternalError', code: 'INTERNAL', message: 'internal error; see the server log' },
      });
      expect(logged.some((line) => line.includes('/srv/hyperdesk/private'))).toBe(true);
    } finally {
      await server.close();
    }
  });
});

describe('WebSocket heartbeat', () => {
  it('drops a peer that stopped answering pings and keeps one that answers', async () => {
    const logged: string[] = [];
    const server = await loopbackServer({
      engine: echoEngine,
      log: (level, message) => logged.push(`${level} ${message}`),
      timeouts: { headersMs: 15_000, requestMs: 30_000, wsPingMs: 200 },
    });
    try {
      const url = `${server.url.replace('http', 'ws')}/api/v1/ws`;
      // autoPong off: a peer that is gone (no pongs come back), without the TCP close.
      const gone = new WebSocket(url, { autoPong: false });
      const healthy = new WebSocket(url);
      const goneClosed = new Promise<void>((resolve) => gone.once('close', () => resolve()));
      await Promise.all(
        [gone, healthy].map(
          (ws) => new Promise<void>((resolve, reject) => ws.once('open', resolve).once('error', reject)),
        ),
      );
      await goneClosed;
      await new Promise((r) => setTimeout(r, 600));
      expect(healthy.readyState).toBe(WebSocket.OPEN);
      expect(server.clientCount()).toBe(1);
      expect(logged.some((line) => line.includes('stopped answering pings'))).toBe(true);
      healthy.close();
    } finally {
      await server.close();
    }
  });
});

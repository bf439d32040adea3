import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isIP, type AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { z } from 'zod';
import type { EngineGateway } from '../host/engine-gateway.ts';
import {
  ConfigurationError,
  HyperdeskError,
  ValidationError,
  toWireError,
  type ErrorCode,
} from '../shared/contract/errors.ts';
import { errorResponse, parseRequestEnvelope } from '../shared/contract/envelope.ts';
import { PROTOCOL_VERSION, type ServerMessage } from '../shared/contract/protocol.ts';
import { describeIssues } from '../shared/contract/validation.ts';
import { contentSecurityPolicy } from '../shared/security/content-security-policy.ts';
import { TokenVerifier, bearerToken, type Principal } from './auth/api-tokens.ts';
import { AuthConfigSchema, type AuthConfig } from './auth/auth-config.ts';
import { ForbiddenError, RateLimitedError, UnauthorizedError } from './auth/auth-errors.ts';
import { requiredEventRole, requiredRole, requiredRoleFor, roleAllows, roleAtLeast } from './auth/command-roles.ts';
import { TokenBucketLimiter, addressBucket } from './auth/rate-limiter.ts';
import { SESSION_COOKIE, SessionStore, readCookie } from './auth/session-store.ts';
import { serveStatic } from './static-files.ts';

/** Path of the WebSocket endpoint. */
export const WS_PATH = '/api/v1/ws';
/** Prefix of the HTTP command endpoint: POST `${COMMANDS_PATH}/<CommandName>`. */
export const COMMANDS_PATH = '/api/v1/commands';
/** Browser sign-in: GET (status), POST `{token}` (sign in, sets the cookie), DELETE (sign out). */
export const SESSION_PATH = '/api/v1/session';
const MAX_BODY_BYTES = 1024 * 1024;
const MAX_SESSION_BODY_BYTES = 4096;
// A client this far behind on reading is dropped rather than allowed to grow memory.
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;
/** WebSocket close code when a browser session ends (signed out or expired). */
export const WS_CLOSE_UNAUTHORIZED = 4401;
/**
 * Slow-client limits (slowloris): the whole header block must arrive within HEADERS_TIMEOUT_MS
 * and the whole request, body included, within REQUEST_TIMEOUT_MS; an idle keep-alive
 * connection is closed after KEEP_ALIVE_TIMEOUT_MS. Node's defaults (60 s / 300 s) let a
 * client that trickles bytes hold a socket for five minutes. Upgraded WebSockets are not
 * subject to these once the handshake is done.
 */
export const HEADERS_TIMEOUT_MS = 15_000;
export const REQUEST_TIMEOUT_MS = 30_000;
const KEEP_ALIVE_TIMEOUT_MS = 5_000;
/**
 * Every open WebSocket is pinged this often and dropped when the previous ping got no pong:
 * a peer that vanished without closing (network gone, laptop asleep) would otherwise stay in
 * the broadcast list, its unsent events piling up to MAX_BUFFERED_BYTES each.
 */
export const WS_PING_INTERVAL_MS = 30_000;

/** A route answered before authentication, rate limiting and CORS (readiness, metrics). */
export type OpsRoute = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/** Options for {@link startHttpServer}. */
export interface HttpServerOptions {
  readonly engine: EngineGateway;
  /** Built UI folder; null serves an explanation instead of the app. */
  readonly staticDir: string | null;
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly version: string;
  /** Host names (besides IP literals and loopback) clients may use to reach this server. */
  readonly allowedHosts?: readonly string[];
  readonly log?: (level: 'info' | 'warn' | 'error', message: string) => void;
  /**
   * API access: tokens and roles, rate limit, CORS origins (see {@link AuthConfigSchema}).
   * Given with no tokens, the API is open, which is refused on a non-loopback host. Left out,
   * the API is open and not rate limited (embedding and tests on loopback).
   */
  readonly auth?: z.input<typeof AuthConfigSchema>;
  /**
   * Extra GET endpoints by exact path (`/readyz`, `/metrics`), answered after the Host check
   * and before anything else: no authentication, rate limit or CORS. They must not disclose
   * anything a reader of the network may not see.
   */
  readonly opsRoutes?: Readonly<Record<string, OpsRoute>>;
  /** Called once per finished `/api/` HTTP request with its status and duration (metrics). */
  readonly onRequest?: (status: number, seconds: number) => void;
  /**
   * Slow-client limits; defaults {@link HEADERS_TIMEOUT_MS}, {@link REQUEST_TIMEOUT_MS} and
   * {@link WS_PING_INTERVAL_MS} (tests shorten them).
   */
  readonly timeouts?: { readonly headersMs: number; readonly requestMs: number; readonly wsPingMs?: number };
}

/** A running server. */
export interface RunningServer {
  readonly url: string;
  readonly server: Server;
  /** Number of open WebSocket clients. */
  clientCount(): number;
  close(): Promise<void>;
}

const HTTP_STATUS: Partial<Record<ErrorCode, number>> = {
  VALIDATION: 400,
  PROTOCOL_MISMATCH: 400,
  UNKNOWN_COMMAND: 404,
  NOT_FOUND: 404,
  NOT_IMPLEMENTED: 501,
  ENGINE_UNAVAILABLE: 503,
  ENGINE_RESTARTED: 503,
  TIMEOUT: 504,
  RISK_DENIED: 422,
  VENUE_REJECTED: 422,
  CONFIGURATION: 500,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  RATE_LIMITED: 429,
};

/** Who is on the other end of a request or a WebSocket, once checked. */
interface Caller {
  readonly principal: Principal;
  /** Rate-limit bucket: the token's name, else the remote address. */
  readonly key: string;
  /** Set when the caller came in with the browser session cookie. */
  readonly sessionId?: string;
}

/** Outcome of checking a request's credentials. */
type Identity = { readonly ok: true; readonly caller: Caller } | { readonly ok: false; readonly invalid: boolean };

const SessionRequestSchema = z.object({ token: z.string().min(1).max(512) }).strict();

/** Everyone is admin when no tokens are configured (loopback only). */
const LOCAL_PRINCIPAL: Principal = { name: 'local', role: 'admin' };

/**
 * The headless front door: the built UI, `/healthz`, the contract over WebSocket and over
 * plain HTTP POST. It binds to loopback unless told otherwise, and refuses WebSocket
 * connections from web pages of other origins (a page on the internet must not be able to
 * drive a local trading engine through the user's browser). With tokens configured, every
 * API request and WebSocket carries a bearer token (or the browser session cookie obtained
 * with one) and each command is checked against the token's role.
 */
export async function startHttpServer(options: HttpServerOptions): Promise<RunningServer> {
  const { engine } = options;
  const log = options.log ?? (() => undefined);
  const csp = contentSecurityPolicy();
  const auth: AuthConfig | null = options.auth === undefined ? null : AuthConfigSchema.parse(options.auth);
  const tokens = new TokenVerifier(auth?.tokens ?? []);
  // Also when `auth` is left out: that means "open API", which is for loopback only too.
  if (!tokens.enabled && !isLoopback(options.host)) {
    throw new ConfigurationError(
      `auth.tokens: none configured, so the API would be open to anyone who can reach ${options.host}; ` +
        'listen on 127.0.0.1 or add a token (hyperdesk token create)',
    );
  }
  const limiter = auth ? new TokenBucketLimiter(auth.rateLimit) : null;
  const sessions = new SessionStore({ ttlMs: (auth?.sessionHours ?? 12) * 3_600_000 });
  const corsOrigins = new Set(auth?.corsOrigins ?? []);
  const opsRoutes = new Map(Object.entries(options.opsRoutes ?? {}));
  const clients = new Map<WebSocket, Caller>();

  const timeouts = options.timeouts ?? { headersMs: HEADERS_TIMEOUT_MS, requestMs: REQUEST_TIMEOUT_MS };
  // The timeouts are enforced by a sweep every connectionsCheckingInterval (Node's default,
  // 30 s, would let a slow client stay up to 30 s past them).
  const server = createServer({ connectionsCheckingInterval: Math.min(1000, timeouts.headersMs) }, (req, res) => {
    handleHttp(req, res).catch((error: unknown) => {
      // The path only: a query string is the caller's and might hold anything.
      log('error', `HTTP ${req.method ?? '?'} ${pathOf(req)} failed: ${(error as Error).message}`);
      // A contract error is meant for the caller; anything else (a file system error naming
      // server paths, a library's internals) stays in the log: the caller gets a generic 500.
      const wire =
        error instanceof HyperdeskError
          ? toWireError(error)
          : { name: 'InternalError', code: 'INTERNAL' as const, message: 'internal error; see the server log' };
      if (!res.headersSent) sendJson(res, 500, { error: wire });
      else res.destroy();
    });
  });
  server.headersTimeout = timeouts.headersMs;
  server.requestTimeout = timeouts.requestMs;
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_BODY_BYTES });

  async function handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!hostAllowed(req)) {
      res.writeHead(421, { 'content-type': 'text/plain; charset=utf-8' }).end('Unknown host name\n');
      return;
    }
    const opsRoute = opsRoutes.get(url.pathname);
    if (opsRoute) {
      await opsRoute(req, res);
      return;
    }
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'no-referrer');
    if (url.pathname === '/healthz') {
      // An engine the supervisor gave up restarting will not come back by itself: say so, so
      // that a liveness probe restarts the process. Restarting (a crash being handled) is alive.
      const failed = engine.state === 'failed';
      sendJson(res, failed ? 503 : 200, {
        status: failed ? 'engine failed' : 'ok',
        engine: engine.state,
        protocol: PROTOCOL_VERSION,
        version: options.version,
      });
      return;
    }
    if (url.pathname.startsWith('/api/')) {
      const started = performance.now();
      if (options.onRequest) {
        const report = options.onRequest;
        res.once('close', () => {
          try {
            report(res.statusCode, (performance.now() - started) / 1000);
          } catch (error) {
            log('warn', `the onRequest hook failed: ${(error as Error).message}`);
          }
        });
      }
      await handleApi(req, res, url.pathname);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    // The UI's files hold no data and are served without authentication: the sign-in screen
    // is part of them, and every API call they make is authenticated.
    res.setHeader('content-security-policy', csp);
    res.setHeader('x-frame-options', 'DENY');
    if (options.staticDir && (await serveStatic(options.staticDir, url.pathname, res))) return;
    if (!options.staticDir) {
      res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('The HyperDesk UI is not built. Run "npm run build", then start the server again.\n');
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found\n');
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const origin = req.headers.origin;
    const corsAllowed = origin !== undefined && corsOrigins.has(origin);
    res.setHeader('vary', 'Origin');
    if (corsAllowed) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('access-control-expose-headers', 'Retry-After, WWW-Authenticate');
    }
    if (req.method === 'OPTIONS') {
      // CORS preflight: answered for listed origins only; everyone else gets no CORS headers.
      if (!corsAllowed) {
        sendError(res, 403, new ForbiddenError(`origin ${origin ?? '(none)'} may not call this API from a web page`));
        return;
      }
      res.writeHead(204, {
        'access-control-allow-methods': 'GET, POST, DELETE',
        'access-control-allow-headers': 'authorization, content-type',
        'access-control-max-age': '600',
      });
      res.end();
      return;
    }
    const identity = identify(req);
    if (limiter) {
      const decision = limiter.take(identity.ok ? identity.caller.key : addressKey(req));
      if (!decision.ok) {
        res.setHeader('retry-after', String(decision.retryAfterSeconds));
        sendError(res, 429, new RateLimitedError(decision.retryAfterSeconds));
        return;
      }
    }
    if (path === SESSION_PATH) {
      await handleSession(req, res, identity);
      return;
    }
    if (path.startsWith(`${COMMANDS_PATH}/`)) {
      if (!identity.ok) {
        refuseUnauthorized(req, res, identity.invalid);
        return;
      }
      await handleCommand(req, res, path.slice(COMMANDS_PATH.length + 1), identity.caller, corsAllowed);
      return;
    }
    sendJson(res, 404, { error: { name: 'NotFoundError', code: 'NOT_FOUND', message: `no endpoint ${path}` } });
  }

  function refuseUnauthorized(req: IncomingMessage, res: ServerResponse, invalid: boolean): void {
    log(
      'warn',
      `refused ${req.method ?? '?'} ${pathOf(req)} from ${req.socket.remoteAddress ?? '?'}: ${invalid ? 'invalid token' : 'no token'}`,
    );
    res.setHeader('www-authenticate', wwwAuthenticate(invalid));
    sendError(res, 401, new UnauthorizedError(invalid ? 'the token or session is not valid' : undefined));
  }

  /**
   * Credentials of a request: the bearer token, else the session cookie. With no tokens
   * configured, everyone is the local admin.
   */
  function identify(req: IncomingMessage): Identity {
    if (!tokens.enabled) return { ok: true, caller: { principal: LOCAL_PRINCIPAL, key: addressKey(req) } };
    const bearer = bearerToken(req.headers.authorization);
    if (bearer !== undefined) {
      const principal = bearer === null ? null : tokens.verify(bearer);
      return principal
        ? { ok: true, caller: { principal, key: `token:${principal.name}` } }
        : { ok: false, invalid: true };
    }
    const sessionId = readCookie(req.headers.cookie, SESSION_COOKIE);
    if (sessionId !== undefined) {
      const principal = sessions.get(sessionId);
      return principal
        ? { ok: true, caller: { principal, key: `token:${principal.name}`, sessionId } }
        : { ok: false, invalid: true };
    }
    return { ok: false, invalid: false };
  }

  async function handleSession(req: IncomingMessage, res: ServerResponse, identity: Identity): Promise<void> {
    if (req.method === 'GET') {
      const principal = identity.ok ? identity.caller.principal : null;
      sendJson(res, 200, { authRequired: tokens.enabled, principal });
      return;
    }
    if (req.method !== 'POST' && req.method !== 'DELETE') {
      res.writeHead(405, { allow: 'GET, POST, DELETE' }).end();
      return;
    }
    // Sessions are for this server's own pages: the cookie is SameSite=Strict anyway.
    if (!isSameOrigin(req)) {
      sendError(res, 403, new ForbiddenError(`origin ${req.headers.origin ?? '?'} may not sign in here`));
      return;
    }
    if (req.method === 'DELETE') {
      const sessionId = readCookie(req.headers.cookie, SESSION_COOKIE);
      if (sessionId !== undefined) {
        sessions.delete(sessionId);
        for (const [ws, caller] of clients) {
          if (caller.sessionId === sessionId) ws.close(WS_CLOSE_UNAUTHORIZED, 'signed out');
        }
      }
      res.setHeader('set-cookie', sessionCookie(req, null));
      sendJson(res, 200, { signedOut: true });
      return;
    }
    if (!tokens.enabled) {
      sendError(res, 400, new ValidationError('session: this server has no tokens configured, so there is no sign-in'));
      return;
    }
    const body = await readJsonBody(req, res, MAX_SESSION_BODY_BYTES);
    if (body === undefined) return;
    const parsed = SessionRequestSchema.safeParse(body);
    if (!parsed.success) {
      sendError(res, 400, new ValidationError(describeIssues('session', parsed.error)));
      return;
    }
    const principal = tokens.verify(parsed.data.token);
    if (!principal) {
      log('warn', `refused a sign-in from ${req.socket.remoteAddress ?? '?'}: invalid token`);
      res.setHeader('www-authenticate', wwwAuthenticate(true));
      sendError(res, 401, new UnauthorizedError('token: not a valid API token'));
      return;
    }
    const sessionId = sessions.create(principal);
    log('info', `${principal.name} (${principal.role}) signed in from ${req.socket.remoteAddress ?? '?'}`);
    res.setHeader('set-cookie', sessionCookie(req, sessionId));
    sendJson(res, 200, { authRequired: true, principal });
  }

  async function handleCommand(
    req: IncomingMessage,
    res: ServerResponse,
    command: string,
    caller: Caller,
    corsAllowed: boolean,
  ): Promise<void> {
    if (req.method !== 'POST') {
      res.writeHead(405, { allow: 'POST' }).end();
      return;
    }
    if (!corsAllowed && !isSameOrigin(req)) {
      const error = new ValidationError(`request: origin ${req.headers.origin ?? '?'} may not use this server`);
      sendJson(res, 403, { error: toWireError(error) });
      return;
    }
    if (!roleAllows(caller.principal.role, command)) {
      sendError(res, 403, forbidden(caller.principal, command));
      return;
    }
    const payload = await readJsonBody(req, res, MAX_BODY_BYTES);
    if (payload === undefined) return;
    if (!roleAllows(caller.principal.role, command, payload)) {
      sendError(res, 403, forbidden(caller.principal, command, payload));
      return;
    }
    const response = await engine.request({ v: PROTOCOL_VERSION, type: 'request', id: 'http', command, payload });
    if (response.ok) sendJson(res, 200, { result: response.result });
    else sendJson(res, HTTP_STATUS[response.error.code] ?? 500, { error: response.error });
  }

  /** The parsed JSON body, or undefined once an error response was sent. */
  async function readJsonBody(req: IncomingMessage, res: ServerResponse, limit: number): Promise<unknown> {
    // JSON only: a cross-site form or text/plain post cannot send it without a CORS
    // preflight, which this server grants to listed origins only.
    if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
      sendJson(res, 415, { error: toWireError(new ValidationError('request: the body must be application/json')) });
      return undefined;
    }
    const body = await readBody(req, limit);
    if (body === null) {
      // Answer, then drop the connection instead of reading the rest of an oversized body.
      res.setHeader('connection', 'close');
      res.once('finish', () => req.socket.destroy());
      const error = new ValidationError(`body: larger than ${limit} bytes`);
      sendJson(res, 413, { error: toWireError(error) });
      return undefined;
    }
    try {
      return JSON.parse(body || '{}') as unknown;
    } catch {
      sendJson(res, 400, { error: toWireError(new ValidationError('body: not valid JSON')) });
      return undefined;
    }
  }

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== WS_PATH) {
      refuseUpgrade(socket, 404, 'Not Found');
      return;
    }
    const origin = req.headers.origin;
    if (!hostAllowed(req) || !(isSameOrigin(req) || (origin !== undefined && corsOrigins.has(origin)))) {
      log('warn', `refused a WebSocket from origin ${origin ?? '?'}`);
      refuseUpgrade(socket, 403, 'Forbidden');
      return;
    }
    const identity = identify(req);
    if (limiter) {
      const decision = limiter.take(identity.ok ? identity.caller.key : addressKey(req));
      if (!decision.ok) {
        refuseUpgrade(socket, 429, 'Too Many Requests', `Retry-After: ${decision.retryAfterSeconds}\r\n`);
        return;
      }
    }
    if (!identity.ok) {
      log(
        'warn',
        `refused a WebSocket from ${req.socket.remoteAddress ?? '?'}: ${identity.invalid ? 'invalid token' : 'no token'}`,
      );
      refuseUpgrade(socket, 401, 'Unauthorized', `WWW-Authenticate: ${wwwAuthenticate(identity.invalid)}\r\n`);
      return;
    }
    const caller = identity.caller;
    wss.handleUpgrade(req, socket, head, (ws) => {
      clients.set(ws, caller);
      ws.once('close', () => clients.delete(ws));
      wss.emit('connection', ws, req);
    });
  });

  // Sockets that answered the last ping (or just connected); see WS_PING_INTERVAL_MS.
  const alive = new WeakSet<WebSocket>();
  const heartbeat = setInterval(() => {
    for (const [ws, caller] of clients) {
      // A browser session that ended while the socket was quiet is closed here too.
      if (caller.sessionId !== undefined && sessions.get(caller.sessionId) === null) {
        ws.close(WS_CLOSE_UNAUTHORIZED, 'session ended');
        continue;
      }
      if (!alive.has(ws)) {
        log('warn', 'dropping a WebSocket client that stopped answering pings');
        ws.terminate();
        continue;
      }
      alive.delete(ws);
      ws.ping();
    }
  }, options.timeouts?.wsPingMs ?? WS_PING_INTERVAL_MS);
  heartbeat.unref();

  wss.on('connection', (ws: WebSocket) => {
    alive.add(ws);
    ws.on('pong', () => alive.add(ws));
    send(ws, { v: PROTOCOL_VERSION, type: 'hello', server: 'hyperdesk', version: options.version });
    ws.on('message', (data, isBinary) => {
      void answer(ws, isBinary ? null : data.toString('utf8'));
    });
  });

  async function answer(ws: WebSocket, text: string | null): Promise<void> {
    const caller = clients.get(ws);
    if (!caller) {
      ws.terminate();
      return;
    }
    // Every message counts, malformed ones too: parsing them costs the server as much.
    const decision = limiter ? limiter.take(caller.key) : null;
    let raw: unknown;
    try {
      if (text === null) throw new ValidationError('request: binary frames are not part of the protocol');
      raw = JSON.parse(text);
    } catch (error) {
      send(
        ws,
        errorResponse(null, error instanceof ValidationError ? error : new ValidationError('request: not valid JSON')),
      );
      return;
    }
    const envelope = parseRequestEnvelope(raw);
    if (!envelope.ok) {
      send(ws, envelope.response);
      return;
    }
    const { id, command } = envelope.message;
    // A browser session can end (sign-out elsewhere, expiry) while its socket is open.
    if (caller.sessionId !== undefined && sessions.get(caller.sessionId) === null) {
      send(ws, errorResponse(id, new UnauthorizedError('the session has ended; sign in again')));
      ws.close(WS_CLOSE_UNAUTHORIZED, 'session ended');
      return;
    }
    if (decision && !decision.ok) {
      send(ws, errorResponse(id, new RateLimitedError(decision.retryAfterSeconds)));
      return;
    }
    if (!roleAllows(caller.principal.role, command, envelope.message.payload)) {
      send(ws, errorResponse(id, forbidden(caller.principal, command, envelope.message.payload)));
      return;
    }
    send(ws, await engine.request(envelope.message));
  }

  function send(ws: WebSocket, message: ServerMessage): void {
    if (ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      log('warn', 'dropping a WebSocket client that stopped reading');
      ws.terminate();
      return;
    }
    ws.send(JSON.stringify(message));
  }

  // Only expected names are accepted in Host: this defeats DNS rebinding, where a hostile
  // domain re-points itself at this server's address so that its pages count as same-origin.
  // IP literals cannot be rebound; other names must be listed explicitly.
  const allowedHosts = new Set((options.allowedHosts ?? []).map((h) => h.toLowerCase()));
  function hostAllowed(req: IncomingMessage): boolean {
    const host = req.headers.host;
    if (host === undefined) return false;
    const name = host
      .toLowerCase()
      .replace(/:\d+$/, '')
      .replace(/^\[|\]$/g, '');
    if (isLoopback(name)) return true;
    if (isLoopback(options.host)) return false;
    return isIP(name) !== 0 || allowedHosts.has(name);
  }

  const unsubscribe = engine.onEvent((event) => {
    // Only sockets that passed the handshake's authentication are in `clients`; each still
    // gets only the events its role may see (SettingsChanged is GetSettings' answer, not a
    // viewer's), and a browser session that has expired since the handshake gets nothing more:
    // its socket is closed here instead of streaming on until the client next sends a message.
    const needed = requiredEventRole(event.event);
    let text: string | null = null;
    for (const [ws, caller] of clients) {
      if (caller.sessionId !== undefined && sessions.get(caller.sessionId) === null) {
        ws.close(WS_CLOSE_UNAUTHORIZED, 'session ended');
        continue;
      }
      if (!roleAtLeast(caller.principal.role, needed)) continue;
      text ??= JSON.stringify(event);
      sendText(ws, text);
    }
  });

  function sendText(ws: WebSocket, text: string): void {
    if (ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      log('warn', 'dropping a WebSocket client that stopped reading');
      ws.terminate();
      return;
    }
    ws.send(text);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  }).catch((error: unknown) => {
    // Not listening (port in use): leave no timer or engine subscription behind.
    clearInterval(heartbeat);
    unsubscribe();
    throw error;
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  log('info', `listening on ${url}${tokens.enabled ? ' (API tokens required)' : ''}`);

  return {
    url,
    server,
    clientCount: () => wss.clients.size,
    async close() {
      unsubscribe();
      clearInterval(heartbeat);
      for (const ws of wss.clients) ws.close(1001, 'server shutting down');
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function forbidden(principal: Principal, command: string, payload?: unknown): ForbiddenError {
  const needed = payload === undefined ? requiredRole(command) : requiredRoleFor(command, payload);
  const what = needed === requiredRole(command) ? command : `${command} on a venue other than Hyperliquid's`;
  return new ForbiddenError(`${what} needs the ${needed} role; ${principal.name} has the ${principal.role} role`);
}

function wwwAuthenticate(invalid: boolean): string {
  return invalid ? 'Bearer realm="hyperdesk", error="invalid_token"' : 'Bearer realm="hyperdesk"';
}

/**
 * Rate-limit bucket of an unauthenticated caller: its address, or its IPv6 /64 (see
 * {@link addressBucket}). Proxies' forwarding headers are not trusted.
 */
function addressKey(req: IncomingMessage): string {
  return `address:${addressBucket(req.socket.remoteAddress ?? '?')}`;
}

function pathOf(req: IncomingMessage): string {
  return (req.url ?? '?').split('?')[0] ?? '?';
}

/**
 * The session cookie: HttpOnly (page scripts cannot read it), SameSite=Strict (no other site
 * can make the browser send it), Secure when the page was loaded over https, and without
 * Max-Age so it ends with the browser session (the server also expires it).
 */
function sessionCookie(req: IncomingMessage, value: string | null): string {
  const https = (req.headers.origin ?? '').startsWith('https:') || req.headers['x-forwarded-proto'] === 'https';
  return `${SESSION_COOKIE}=${value ?? ''}; Path=/; HttpOnly; SameSite=Strict${value === null ? '; Max-Age=0' : ''}${https ? '; Secure' : ''}`;
}

function refuseUpgrade(socket: Duplex, status: number, reason: string, headers = ''): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\n${headers}Connection: close\r\nContent-Length: 0\r\n\r\n`);
}

/**
 * Browsers always send Origin on WebSocket handshakes; it must name this very server.
 * Clients that are not browsers (CLI, tests, other services) send none and are let through:
 * they are not the cross-site attack this guards against.
 */
function isSameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(text);
}

function sendError(res: ServerResponse, status: number, error: unknown): void {
  sendJson(res, status, { error: toWireError(error) });
}

/** The request body as text, or null when it is larger than the limit (reading stops there). */
function readBody(req: IncomingMessage, limit: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        req.pause();
        resolve(null);
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isIP, type AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { EngineGateway } from '../host/engine-gateway.ts';
import { ValidationError, toWireError, type ErrorCode } from '../shared/contract/errors.ts';
import { errorResponse, parseRequestEnvelope } from '../shared/contract/envelope.ts';
import { PROTOCOL_VERSION, type ServerMessage } from '../shared/contract/protocol.ts';
import { contentSecurityPolicy } from '../shared/security/content-security-policy.ts';
import { serveStatic } from './static-files.ts';

/** Path of the WebSocket endpoint. */
export const WS_PATH = '/api/v1/ws';
/** Prefix of the HTTP command endpoint: POST `${COMMANDS_PATH}/<CommandName>`. */
export const COMMANDS_PATH = '/api/v1/commands';
const MAX_BODY_BYTES = 1024 * 1024;
// A client this far behind on reading is dropped rather than allowed to grow memory.
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

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
};

/**
 * The headless front door: the built UI, `/healthz`, the contract over WebSocket and over
 * plain HTTP POST. It binds to loopback unless told otherwise, and refuses WebSocket
 * connections from web pages of other origins (a page on the internet must not be able to
 * drive a local trading engine through the user's browser).
 */
export async function startHttpServer(options: HttpServerOptions): Promise<RunningServer> {
  const { engine } = options;
  const log = options.log ?? (() => undefined);
  const csp = contentSecurityPolicy();
  const server = createServer((req, res) => {
    handleHttp(req, res).catch((error: unknown) => {
      log('error', `HTTP ${req.method ?? '?'} ${req.url ?? '?'} failed: ${(error as Error).message}`);
      if (!res.headersSent) sendJson(res, 500, { error: toWireError(error) });
      else res.destroy();
    });
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_BODY_BYTES });

  async function handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!hostAllowed(req)) {
      res.writeHead(421, { 'content-type': 'text/plain; charset=utf-8' }).end('Unknown host name\n');
      return;
    }
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'no-referrer');
    if (url.pathname === '/healthz') {
      sendJson(res, 200, { status: 'ok', engine: engine.state, protocol: PROTOCOL_VERSION, version: options.version });
      return;
    }
    if (url.pathname.startsWith(`${COMMANDS_PATH}/`)) {
      await handleCommand(req, res, url.pathname.slice(COMMANDS_PATH.length + 1));
      return;
    }
    if (url.pathname.startsWith('/api/')) {
      sendJson(res, 404, {
        error: { name: 'NotFoundError', code: 'NOT_FOUND', message: `no endpoint ${url.pathname}` },
      });
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
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

  async function handleCommand(req: IncomingMessage, res: ServerResponse, command: string): Promise<void> {
    if (req.method !== 'POST') {
      res.writeHead(405, { allow: 'POST' }).end();
      return;
    }
    if (!isSameOrigin(req)) {
      const error = new ValidationError(`request: origin ${req.headers.origin ?? '?'} may not use this server`);
      sendJson(res, 403, { error: toWireError(error) });
      return;
    }
    // JSON only: a cross-site form or text/plain post cannot send it without a CORS
    // preflight, which this server never grants.
    if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
      sendJson(res, 415, { error: toWireError(new ValidationError('request: the body must be application/json')) });
      return;
    }
    const body = await readBody(req);
    if (body === null) {
      // Answer, then drop the connection instead of reading the rest of an oversized body.
      res.setHeader('connection', 'close');
      res.once('finish', () => req.socket.destroy());
      const error = new ValidationError(`body: larger than ${MAX_BODY_BYTES} bytes`);
      sendJson(res, 413, { error: toWireError(error) });
      return;
    }
    let payload: unknown;
    try {
      payload = JSON.parse(body || '{}');
    } catch {
      sendJson(res, 400, { error: toWireError(new ValidationError('body: not valid JSON')) });
      return;
    }
    const response = await engine.request({ v: PROTOCOL_VERSION, type: 'request', id: 'http', command, payload });
    if (response.ok) sendJson(res, 200, { result: response.result });
    else sendJson(res, HTTP_STATUS[response.error.code] ?? 500, { error: response.error });
  }

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== WS_PATH) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    if (!hostAllowed(req) || !isSameOrigin(req)) {
      log('warn', `refused a WebSocket from origin ${req.headers.origin ?? '?'}`);
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  wss.on('connection', (ws: WebSocket) => {
    send(ws, { v: PROTOCOL_VERSION, type: 'hello', server: 'hyperdesk', version: options.version });
    ws.on('message', (data, isBinary) => {
      void answer(ws, isBinary ? null : data.toString('utf8'));
    });
  });

  async function answer(ws: WebSocket, text: string | null): Promise<void> {
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
    send(ws, envelope.ok ? await engine.request(envelope.message) : envelope.response);
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
    for (const ws of wss.clients) send(ws, event);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  log('info', `listening on ${url}`);

  return {
    url,
    server,
    clientCount: () => wss.clients.size,
    async close() {
      unsubscribe();
      for (const ws of wss.clients) ws.close(1001, 'server shutting down');
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
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

/** The request body as text, or null when it is larger than the limit (reading stops there). */
function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
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

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** One request the fake answered (or is holding). */
export interface KubeRequest {
  method: string;
  path: string;
  token: string;
  /** Date.now() when the request arrived. */
  at: number;
  status: number;
  /** holderIdentity in the body of a write. */
  holder?: string;
}

type LeaseObject = {
  metadata: { name: string; namespace: string; resourceVersion: string; uid: string; [key: string]: unknown };
  spec: Record<string, unknown>;
  [key: string]: unknown;
};

const MICRO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const LEASE_PATH = /^\/apis\/coordination\.k8s\.io\/v1\/namespaces\/([^/]+)\/leases(?:\/([^/]+))?$/;

/**
 * A Kubernetes API server that knows Leases only: GET, POST (409 AlreadyExists) and PUT
 * (409 Conflict on a stale `metadata.resourceVersion`), bearer tokens checked against
 * `tokens`, MicroTime fields checked for six fraction digits. Tests can make it fail
 * (`failWith`), slow (`delayMs`), hang the requests of one token (`hang`), or hold GETs
 * until several are waiting (`holdReads`) to force a write race.
 */
export class FakeKubeApi {
  readonly leases = new Map<string, LeaseObject>();
  readonly requests: KubeRequest[] = [];
  /** Accepted bearer tokens. */
  readonly tokens = new Set<string>();
  /** When set, every request gets this HTTP status (a Status body echoing the Authorization header). */
  failWith: number | null = null;
  /** Filler characters in a `failWith` message before the echoed Authorization header. */
  failPadding = 0;
  /** Added before every answer. */
  delayMs = 0;
  /** Requests bearing these tokens get no answer until `unhang` (a paused or cut-off pod). */
  readonly hung = new Set<string>();
  url = '';
  private server: Server | undefined;
  private version = 1;
  private readonly sockets = new Set<Socket>();
  private readonly waiting: (() => void)[] = [];
  private heldReads: { count: number; queue: (() => void)[] } | null = null;

  constructor(tokens: string[]) {
    for (const token of tokens) this.tokens.add(token);
  }

  /** Listens on loopback, over HTTPS when `tls` is given. */
  async listen(tls?: { key: string; cert: string }): Promise<this> {
    const handler = (request: IncomingMessage, response: ServerResponse) => void this.handle(request, response);
    const server = tls ? createHttpsServer(tls, handler) : createHttpServer(handler);
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.url = `${tls ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this;
  }

  /** The lease `namespace/name`, if any. */
  lease(namespace: string, name: string): LeaseObject | undefined {
    return this.leases.get(`${namespace}/${name}`);
  }

  /** Stores a lease as if someone had written it (a new resourceVersion). */
  seed(namespace: string, name: string, spec: Record<string, unknown>): void {
    this.leases.set(`${namespace}/${name}`, {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name, namespace, resourceVersion: String(++this.version), uid: `uid-${name}` },
      spec,
    });
  }

  /** Holds the next GETs until `count` of them wait, then answers them all at once. */
  holdReads(count: number): void {
    this.heldReads = { count, queue: [] };
  }

  /** Answers the hung requests of `token` (with the state at that moment). */
  unhang(token: string): void {
    this.hung.delete(token);
    for (const wake of this.waiting.splice(0)) wake();
  }

  /** Successful writes (POST/PUT answered 200/201), in order. */
  writes(): KubeRequest[] {
    return this.requests.filter((r) => (r.method === 'PUT' || r.method === 'POST') && r.status < 300);
  }

  /** Answers every hung request and stops listening, cutting open connections. */
  async close(): Promise<void> {
    for (const wake of this.waiting.splice(0)) wake();
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const at = Date.now();
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const authorization = request.headers.authorization ?? '';
    const token = authorization.startsWith('Bearer ') ? authorization.slice(7) : '';
    while (this.hung.has(token) && this.server?.listening) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    if (request.method === 'GET' && this.heldReads) {
      const held = this.heldReads;
      await new Promise<void>((resolve) => {
        held.queue.push(resolve);
        if (held.queue.length >= held.count) {
          this.heldReads = null;
          for (const release of held.queue) release();
        }
      });
    }
    const record: KubeRequest = { method: request.method ?? '', path: request.url ?? '', token, at, status: 0 };
    this.requests.push(record);
    const reply = (status: number, body: unknown) => {
      record.status = status;
      if (response.destroyed) return;
      response.writeHead(status, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    const status = (code: number, reason: string, message: string) =>
      reply(code, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason, message, code });

    if (this.failWith !== null) {
      // A careless server that echoes the credentials: the client must not pass them on.
      const filler = '.'.repeat(this.failPadding);
      return status(this.failWith, 'InternalError', `etcdserver: request timed out${filler} (auth: ${authorization})`);
    }
    if (!this.tokens.has(token)) return status(401, 'Unauthorized', `Unauthorized: ${authorization}`);
    const match = LEASE_PATH.exec(new URL(record.path, 'http://x').pathname);
    if (!match) return status(404, 'NotFound', 'the server could not find the requested resource');
    const namespace = decodeURIComponent(match[1] ?? '');
    const name = match[2] === undefined ? undefined : decodeURIComponent(match[2]);

    if (request.method === 'GET' && name !== undefined) {
      const lease = this.lease(namespace, name);
      return lease ? reply(200, lease) : status(404, 'NotFound', `leases.coordination.k8s.io "${name}" not found`);
    }
    let body: LeaseObject;
    try {
      body = JSON.parse(text) as LeaseObject;
    } catch {
      return status(400, 'BadRequest', 'body is not JSON');
    }
    record.holder = typeof body.spec?.holderIdentity === 'string' ? body.spec.holderIdentity : undefined;
    for (const field of ['acquireTime', 'renewTime']) {
      const value = body.spec?.[field];
      if (value !== undefined && value !== null && (typeof value !== 'string' || !MICRO_TIME.test(value))) {
        return status(422, 'Invalid', `spec.${field}: not a MicroTime: ${String(value)}`);
      }
    }
    if (request.method === 'POST' && name === undefined) {
      const leaseName = body.metadata?.name;
      if (!leaseName) return status(422, 'Invalid', 'metadata.name: Required value');
      if (this.lease(namespace, leaseName)) {
        return status(409, 'AlreadyExists', `leases.coordination.k8s.io "${leaseName}" already exists`);
      }
      const stored: LeaseObject = {
        ...body,
        metadata: {
          ...body.metadata,
          name: leaseName,
          namespace,
          resourceVersion: String(++this.version),
          uid: `uid-${leaseName}`,
        },
      };
      this.leases.set(`${namespace}/${leaseName}`, stored);
      return reply(201, stored);
    }
    if (request.method === 'PUT' && name !== undefined) {
      const current = this.lease(namespace, name);
      if (!current) return status(404, 'NotFound', `leases.coordination.k8s.io "${name}" not found`);
      if (body.metadata?.name !== name) return status(400, 'BadRequest', 'metadata.name does not match the URL');
      if (body.metadata.resourceVersion !== current.metadata.resourceVersion) {
        return status(
          409,
          'Conflict',
          `Operation cannot be fulfilled on leases.coordination.k8s.io "${name}": the object has been modified; please apply your changes to the latest version and try again`,
        );
      }
      const stored: LeaseObject = {
        ...body,
        metadata: { ...body.metadata, namespace, resourceVersion: String(++this.version), uid: current.metadata.uid },
      };
      this.leases.set(`${namespace}/${name}`, stored);
      return reply(200, stored);
    }
    return status(405, 'MethodNotAllowed', `${request.method ?? ''} is not supported here`);
  }
}

/** A CA and a server certificate for 127.0.0.1 signed by it, made with the openssl CLI. */
export interface TestCertificates {
  caPath: string;
  /** A CA that did not sign the server certificate. */
  otherCaPath: string;
  key: string;
  cert: string;
}

/** Makes {@link TestCertificates} in a temp folder, or returns null when openssl is not installed. */
export function makeTestCertificates(): TestCertificates | null {
  const dir = mkdtempSync(join(tmpdir(), 'kube-ca-'));
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  try {
    openssl('version');
  } catch {
    return null;
  }
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  for (const name of ['ca', 'other-ca']) {
    openssl(
      'req',
      '-x509',
      ...ec,
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.crt`,
      '-subj',
      `/CN=${name}`,
      '-days',
      '1',
    );
  }
  openssl('req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=kube-apiserver');
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1\n');
  openssl(
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'server.crt',
    '-days',
    '1',
    '-extfile',
    'san.ext',
  );
  return {
    caPath: join(dir, 'ca.crt'),
    otherCaPath: join(dir, 'other-ca.crt'),
    key: readFileSync(join(dir, 'server.key'), 'utf8'),
    cert: readFileSync(join(dir, 'server.crt'), 'utf8'),
  };
}

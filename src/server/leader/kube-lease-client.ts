import { readFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { z } from 'zod';
import { redactSecrets } from '../../adapters/secrets/secret-redactor.ts';
import { ConfigurationError } from '../../shared/contract/errors.ts';

/**
 * The parts of a `coordination.k8s.io/v1` Lease the electors use. Unknown fields (labels,
 * managedFields, owner references...) are kept, so an update writes back what it read.
 */
export const LeaseSchema = z.looseObject({
  metadata: z.looseObject({
    name: z.string(),
    resourceVersion: z.string().min(1),
  }),
  spec: z
    .looseObject({
      holderIdentity: z.string().nullish(),
      leaseDurationSeconds: z.number().int().nullish(),
      acquireTime: z.string().nullish(),
      renewTime: z.string().nullish(),
      leaseTransitions: z.number().int().nullish(),
    })
    .default({}),
});

/** A Lease as read from the API. */
export type Lease = z.infer<typeof LeaseSchema>;

/** The spec fields the electors write. */
export interface LeaseSpec {
  holderIdentity: string;
  leaseDurationSeconds: number;
  acquireTime: string;
  renewTime: string;
  leaseTransitions: number;
}

/** Kubernetes `MicroTime`: RFC 3339 in UTC with exactly six fraction digits. */
export function formatMicroTime(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** Epoch milliseconds of a `MicroTime` (or RFC 3339 `Time`), or NaN when it is not one. */
export function parseMicroTime(text: string): number {
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/i.exec(text);
  if (!match) return Number.NaN;
  const fraction = (match[2] ?? '').padEnd(3, '0').slice(0, 3);
  return Date.parse(`${match[1]}.${fraction}${match[3]}`);
}

/** Where and how to reach the API server. */
export interface KubeAccess {
  apiUrl: string;
  tokenPath: string;
  caPath: string;
  /** Each request is abandoned after this long. */
  timeoutMs: number;
}

/**
 * The API server URL: `configured`, else the in-cluster service from KUBERNETES_SERVICE_HOST
 * and KUBERNETES_SERVICE_PORT.
 */
export function kubeApiUrl(configured: string | undefined, env: NodeJS.ProcessEnv): string {
  if (configured) return configured;
  const host = env.KUBERNETES_SERVICE_HOST;
  if (!host) {
    throw new ConfigurationError(
      'leader.apiUrl: not set, and KUBERNETES_SERVICE_HOST is not in the environment (not running in a pod?)',
    );
  }
  const port = env.KUBERNETES_SERVICE_PORT || '443';
  return `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** Hosts a plain-HTTP `apiUrl` may name: the token never leaves the machine. */
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Outcome of a write whose `resourceVersion` (or name, for a create) was already taken. */
export const CONFLICT = 'conflict';

/**
 * The three Lease calls leader election needs, over plain HTTPS. The bearer token is read
 * from its file for every request because Kubernetes rotates projected tokens; the cluster CA
 * is the only authority trusted, and is read again after a TLS failure in case it rotated.
 * Error messages carry the method, path, status and the server's reason, never the token.
 */
export class KubeLeaseClient {
  private readonly access: KubeAccess;
  private readonly base: URL;
  private readonly path: string;
  private readonly leaseName: string;
  private agent: HttpsAgent | undefined;
  /** The tokens last read (current and previous), to scrub from anything the server sends back. */
  private tokens: string[] = [];

  constructor(access: KubeAccess, namespace: string, name: string) {
    this.access = access;
    try {
      this.base = new URL(access.apiUrl);
    } catch {
      throw new ConfigurationError(`leader.apiUrl: not a URL`);
    }
    if (this.base.protocol !== 'https:' && this.base.protocol !== 'http:') {
      throw new ConfigurationError(`leader.apiUrl: must be an http or https URL`);
    }
    // Plain HTTP would send the bearer token in clear text: only to this machine (kubectl proxy).
    if (this.base.protocol === 'http:' && !LOOPBACK.has(this.base.hostname)) {
      throw new ConfigurationError(`leader.apiUrl: must be https unless it is on this machine (localhost)`);
    }
    this.path = `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(namespace)}/leases`;
    this.leaseName = name;
  }

  /** The Lease, or null when it does not exist. */
  async get(signal: AbortSignal): Promise<Lease | null> {
    const { status, body } = await this.call(
      'GET',
      `${this.path}/${encodeURIComponent(this.leaseName)}`,
      undefined,
      signal,
    );
    if (status === 404) return null;
    if (status === 200) return this.parse(body, 'GET');
    throw this.failure('GET', status, body);
  }

  /** Creates the Lease; CONFLICT when another instance created it first. */
  async create(spec: LeaseSpec, signal: AbortSignal): Promise<Lease | typeof CONFLICT> {
    const lease = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: this.leaseName },
      spec,
    };
    const { status, body } = await this.call('POST', this.path, lease, signal);
    if (status === 409) return CONFLICT;
    if (status === 200 || status === 201) return this.parse(body, 'POST');
    throw this.failure('POST', status, body);
  }

  /**
   * Replaces the Lease with `lease` (whose `metadata.resourceVersion` is the one read);
   * CONFLICT when anyone wrote it since.
   */
  async update(lease: Lease, signal: AbortSignal): Promise<Lease | typeof CONFLICT> {
    const { status, body } = await this.call(
      'PUT',
      `${this.path}/${encodeURIComponent(this.leaseName)}`,
      lease,
      signal,
    );
    if (status === 409) return CONFLICT;
    if (status === 200) return this.parse(body, 'PUT');
    throw this.failure('PUT', status, body);
  }

  private parse(body: string, method: string): Lease {
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      throw new Error(`${method} lease: the API server answered with something that is not JSON`);
    }
    const lease = LeaseSchema.safeParse(json);
    if (!lease.success) {
      const issue = lease.error.issues[0];
      throw new Error(`${method} lease: unexpected answer (${issue?.path.join('.') ?? '?'}: ${issue?.message ?? '?'})`);
    }
    return lease.data;
  }

  private failure(method: string, status: number, body: string): Error {
    let reason = '';
    try {
      const parsed = z
        .object({ message: z.string().optional(), reason: z.string().optional() })
        .safeParse(JSON.parse(body));
      if (parsed.success) reason = [parsed.data.reason, parsed.data.message].filter(Boolean).join(': ');
    } catch {
      reason = body;
    }
    const hint =
      status === 401
        ? ' (the service account token was refused)'
        : status === 403
          ? ' (the service account needs get/create/update on leases in this namespace)'
          : '';
    // Scrubbed before it is cut short: a token cut in two would no longer match.
    const said = this.scrub(reason).slice(0, 300);
    return new Error(`${method} lease: HTTP ${status}${hint}${said ? ` ${said}` : ''}`);
  }

  /** `text` without the token, whatever the server chose to echo. */
  private scrub(text: string): string {
    let masked = text;
    for (const token of this.tokens) masked = masked.split(token).join('[redacted]');
    // Also any credential after "Bearer", should the server echo a token we no longer remember.
    return redactSecrets(masked).replace(/(Bearer\s+)[^\s"',;)]+/gi, '$1[redacted]');
  }

  private async readToken(): Promise<string> {
    let token: string;
    try {
      token = (await readFile(this.access.tokenPath, 'utf8')).trim();
    } catch (error) {
      throw new Error(
        `cannot read the service account token at ${this.access.tokenPath} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
        { cause: error },
      );
    }
    if (!token) throw new Error(`the service account token at ${this.access.tokenPath} is empty`);
    // Kept here rather than in the process-wide redactor: the token rotates about hourly, and
    // that list only grows.
    if (this.tokens[0] !== token) this.tokens = [token, ...this.tokens.slice(0, 1)];
    return token;
  }

  private httpsAgent(): HttpsAgent {
    if (!this.agent) {
      let ca: Buffer;
      try {
        ca = readFileSync(this.access.caPath);
      } catch (error) {
        throw new Error(
          `cannot read the cluster CA at ${this.access.caPath} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
          { cause: error },
        );
      }
      // Only the cluster CA is trusted: the system store would let any public certificate pass.
      this.agent = new HttpsAgent({ ca, keepAlive: true, maxSockets: 2 });
    }
    return this.agent;
  }

  private async call(
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    payload: unknown,
    signal: AbortSignal,
  ): Promise<{ status: number; body: string }> {
    const token = await this.readToken();
    const url = new URL(this.base.pathname.replace(/\/$/, '') + path, this.base);
    const body = payload === undefined ? undefined : JSON.stringify(payload);
    const timeout = AbortSignal.timeout(this.access.timeoutMs);
    const secure = url.protocol === 'https:';
    const options: RequestOptions = {
      method,
      headers: {
        Accept: 'application/json',
        Authorization: `Bearer ${token}`,
        ...(body === undefined
          ? {}
          : { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) }),
      },
      signal: AbortSignal.any([signal, timeout]),
      ...(secure ? { agent: this.httpsAgent() } : {}),
    };
    try {
      return await new Promise((resolve, reject) => {
        const request = (secure ? httpsRequest : httpRequest)(url, options, (response: IncomingMessage) => {
          const chunks: Buffer[] = [];
          let size = 0;
          response.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > 1_000_000) response.destroy(new Error('answer larger than 1 MB'));
            else chunks.push(chunk);
          });
          response.on('end', () =>
            resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
          );
          response.on('error', reject);
        });
        request.on('error', reject);
        request.end(body);
      });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? '';
      if (secure && /CERT|SELF_SIGNED|UNABLE_TO|TLS|SSL/i.test(`${code} ${String(error)}`)) {
        // Perhaps the CA rotated: read it again next time.
        this.agent?.destroy();
        this.agent = undefined;
      }
      const why = timeout.aborted
        ? `no answer within ${this.access.timeoutMs} ms`
        : signal.aborted
          ? 'stopped'
          : `${code ? `${code}: ` : ''}${(error as Error).message}`;
      throw new Error(this.scrub(`${method} lease at ${url.host}: ${why}`), { cause: error });
    }
  }

  /** Closes kept-alive connections. */
  close(): void {
    this.agent?.destroy();
    this.agent = undefined;
  }
}

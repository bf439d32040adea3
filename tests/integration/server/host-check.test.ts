import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineGateway } from '../../../src/host/engine-gateway.ts';
import { generateToken, hashToken } from '../../../src/server/auth/api-tokens.ts';
import { startHttpServer, type RunningServer } from '../../../src/server/http-server.ts';

/** A gateway that is always up and never has anything to say: this test is about the front door. */
const idleEngine: EngineGateway = {
  state: 'running',
  request: () => Promise.reject(new Error('not used')),
  onEvent: () => () => undefined,
};

/** GET /healthz on `port` with an arbitrary Host header. */
function statusWithHost(port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/healthz', headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('Host header check (DNS rebinding)', () => {
  let loopback: RunningServer;
  let remote: RunningServer;
  beforeAll(async () => {
    const base = { engine: idleEngine, staticDir: null, port: 0, version: 't' };
    loopback = await startHttpServer({ ...base, host: '127.0.0.1' });
    // Off loopback the API needs a token (an open one is refused); /healthz needs none.
    const auth = { tokens: [{ name: 'ops', role: 'viewer' as const, sha256: hashToken(generateToken()) }] };
    remote = await startHttpServer({ ...base, host: '0.0.0.0', allowedHosts: ['desk.example'], auth });
  });
  afterAll(async () => {
    await loopback.close();
    await remote.close();
  });

  it('on loopback, accepts only loopback names', async () => {
    const port = Number(new URL(loopback.url).port);
    expect(await statusWithHost(port, `127.0.0.1:${port}`)).toBe(200);
    expect(await statusWithHost(port, `localhost:${port}`)).toBe(200);
    expect(await statusWithHost(port, `attacker.example:${port}`)).toBe(421);
  });

  it('listening remotely, accepts IP literals and the configured names only', async () => {
    const port = Number(new URL(remote.url).port);
    expect(await statusWithHost(port, `10.1.2.3:${port}`)).toBe(200);
    expect(await statusWithHost(port, `desk.example:${port}`)).toBe(200);
    expect(await statusWithHost(port, `attacker.example:${port}`)).toBe(421);
  });
});

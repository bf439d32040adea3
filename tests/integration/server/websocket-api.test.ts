import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { EngineClient } from '../../../src/shared/client/engine-client.ts';
import { WebSocketTransport } from '../../../src/shared/client/websocket-transport.ts';
import { SAMPLE_CANDLES, SAMPLE_LOAD } from '../../helpers/engine-config.ts';
import { startTestServer } from '../../helpers/start-server.ts';

let env: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  env = await startTestServer();
});
afterAll(async () => {
  await env.stop();
});

/** A raw socket that collects every parsed message. */
async function rawSocket(headers: Record<string, string> = {}) {
  const ws = new WebSocket(env.wsUrl, { headers });
  const messages: Record<string, unknown>[] = [];
  ws.on('message', (data) => messages.push(JSON.parse(String(data)) as Record<string, unknown>));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const next = async (predicate: (m: Record<string, unknown>) => boolean) => {
    for (let i = 0; i < 200; i++) {
      const found = messages.find(predicate);
      if (found) return found;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error('no matching message');
  };
  return { ws, messages, next };
}

describe('WebSocket API', () => {
  it('carries the contract both ways through the standard WebSocket client', async () => {
    const client = new EngineClient(
      new WebSocketTransport({ url: env.wsUrl, createSocket: (url) => new globalThis.WebSocket(url) }),
    );
    try {
      const loaded = new Promise((resolve) => client.on('CandlesLoaded', resolve));
      const info = await client.request('LoadCandles', SAMPLE_LOAD);
      expect(info.count).toBe(SAMPLE_CANDLES);
      await expect(loaded).resolves.toMatchObject({ seriesId: info.seriesId });
      const { candles } = await client.request('QueryCandles', { seriesId: info.seriesId });
      expect(candles).toHaveLength(SAMPLE_CANDLES);
      expect(candles[0]).toEqual({
        time: 1704067200000,
        open: 42000,
        high: 42384,
        low: 41969,
        close: 42198,
        volume: 751.4453,
      });
    } finally {
      client.close();
    }
  });

  it('greets with the protocol version', async () => {
    const { ws, next } = await rawSocket();
    await expect(next((m) => m.type === 'hello')).resolves.toMatchObject({ v: 1, server: 'hyperdesk' });
    ws.close();
  });

  it('answers malformed messages with a validation error naming the field, then keeps serving', async () => {
    const { ws, next } = await rawSocket();
    ws.send('{not json');
    expect(await next((m) => m.type === 'response' && m.id === null)).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', message: 'request: not valid JSON' },
    });
    ws.send(JSON.stringify({ v: 1, type: 'request', id: 'q1', command: 'QueryCandles', payload: { seriesId: 7 } }));
    const bad = await next((m) => m.id === 'q1');
    expect(bad).toMatchObject({ ok: false, error: { name: 'ValidationError', code: 'VALIDATION' } });
    expect((bad.error as { message: string }).message).toMatch(/^QueryCandles: payload: seriesId: /);
    ws.send(JSON.stringify({ v: 1, type: 'request', command: 'GetEngineStatus', payload: {} }));
    const noId = await next(
      (m) => m.id === null && (m.error as { message: string }).message !== 'request: not valid JSON',
    );
    expect(noId).toMatchObject({ ok: false, error: { code: 'VALIDATION', message: expect.stringContaining('id:') } });
    ws.send(JSON.stringify({ v: 1, type: 'request', id: 'q2', command: 'GetEngineStatus', payload: {} }));
    expect(await next((m) => m.id === 'q2')).toMatchObject({ ok: true, result: { state: 'running' } });
    ws.close();
  });

  it('refuses WebSocket connections from other web origins and foreign host names', async () => {
    await expect(rawSocket({ origin: 'https://evil.example' })).rejects.toThrow(/403/);
    await expect(rawSocket({ host: 'evil.example:80' })).rejects.toThrow(/403/);
    const same = await rawSocket({ origin: env.url });
    same.ws.close();
  });
});

describe('HTTP API', () => {
  it('reports health', async () => {
    const res = await fetch(`${env.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', engine: 'running', protocol: 1, version: '0.0.0-test' });
  });

  it('runs a command over POST with the same contract', async () => {
    const ok = await fetch(`${env.url}/api/v1/commands/GetEngineStatus`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ result: { state: 'running', protocol: 1 } });

    const bad = await fetch(`${env.url}/api/v1/commands/LoadCandles`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ coin: 'BTC', interval: '1h' }),
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({
      error: { code: 'VALIDATION', message: expect.stringContaining('source') },
    });

    const unknown = await fetch(`${env.url}/api/v1/commands/Explode`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(unknown.status).toBe(404);
  });

  it('refuses cross-site style posts (not JSON, or from another origin)', async () => {
    const form = await fetch(`${env.url}/api/v1/commands/GetEngineStatus`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: '{}',
    });
    expect(form.status).toBe(415);
    const foreign = await fetch(`${env.url}/api/v1/commands/GetEngineStatus`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://evil.example' },
      body: '{}',
    });
    expect(foreign.status).toBe(403);
    expect(await foreign.json()).toMatchObject({ error: { message: expect.stringContaining('https://evil.example') } });
  });

  it('answers an oversized body with 413 instead of reading it all', async () => {
    const res = await fetch(`${env.url}/api/v1/commands/GetEngineStatus`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{"pad":"${'x'.repeat(2 * 1024 * 1024)}"}`,
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: { message: expect.stringContaining('larger than') } });
  });

  it('explains that the UI is not built instead of failing obscurely', async () => {
    const res = await fetch(`${env.url}/`);
    expect(res.status).toBe(503);
    expect(await res.text()).toContain('npm run build');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineClient } from '../../../src/shared/client/engine-client.ts';
import { WebSocketTransport } from '../../../src/shared/client/websocket-transport.ts';
import { SAMPLE_LOAD } from '../../helpers/engine-config.ts';
import { startTestServer } from '../../helpers/start-server.ts';

let env: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  env = await startTestServer();
});
afterAll(async () => {
  await env.stop();
});

describe('replay over the WebSocket API', () => {
  it('starts a replay of a loaded series, steps and plays it, and streams the session’s events', async () => {
    const client = new EngineClient(
      new WebSocketTransport({ url: env.wsUrl, createSocket: (url) => new globalThis.WebSocket(url) }),
    );
    try {
      const info = await client.request('LoadCandles', SAMPLE_LOAD);
      const candles: number[] = [];
      const fills: string[] = [];
      const states: string[] = [];
      client.on('CandleClosed', (e) => candles.push(e.candle.time));
      client.on('OrderFilled', (e) => fills.push(`${e.side} ${e.qty}@${e.price}`));
      client.on('ReplayStateChanged', (e) => states.push(`${e.status}:${e.cursor}`));
      const started = await client.request('StartReplay', {
        seriesId: info.seriesId,
        strategy: { id: 'sma-cross', params: { fast: 5, slow: 20 } },
        venue: { capital: '10000' },
      });
      expect(started).toMatchObject({ status: 'paused', cursor: 0, bars: info.count, speed: 1 });
      const stepped = await client.request('ControlReplay', {
        sessionId: started.sessionId,
        action: 'step',
        count: 200,
      });
      expect(stepped.cursor).toBe(200);
      // Seek close to the end (no events for the bars skipped), then play the rest.
      const near = info.count - 60;
      const sought = await client.request('ControlReplay', {
        sessionId: started.sessionId,
        action: 'seek',
        time: (info.first as number) + (near - 1) * 3_600_000,
      });
      expect(sought.cursor).toBe(near);
      await client.request('ControlReplay', { sessionId: started.sessionId, action: 'speed', speed: 1_000_000 });
      await client.request('ControlReplay', { sessionId: started.sessionId, action: 'play' });
      for (let i = 0; i < 500 && !states.includes(`finished:${info.count}`); i++)
        await new Promise((r) => setTimeout(r, 20));
      expect(states).toContain(`finished:${info.count}`);
      // The first 200 bars one by one, then the last 60 after the seek.
      expect(candles).toHaveLength(260);
      expect(candles[0]).toBe(info.first);
      expect(candles[200]).toBe((info.first as number) + near * 3_600_000);
      expect(fills.length).toBeGreaterThan(2);
      await expect(client.request('StopReplay', { sessionId: started.sessionId })).resolves.toEqual({
        sessionId: started.sessionId,
        stopped: true,
      });
      await expect(
        client.request('ControlReplay', { sessionId: started.sessionId, action: 'step', count: 1 }),
      ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    } finally {
      client.close();
    }
  });
});

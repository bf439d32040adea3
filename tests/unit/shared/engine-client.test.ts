import { afterEach, describe, expect, it, vi } from 'vitest';
import { EngineClient } from '../../../src/shared/client/engine-client.ts';
import type { ClientTransport, TransportHandlers } from '../../../src/shared/client/transport.ts';
import type { RequestMessage } from '../../../src/shared/contract/protocol.ts';

/** A transport the test drives by hand. */
class ManualTransport implements ClientTransport {
  handlers!: TransportHandlers;
  sent: RequestMessage[] = [];
  start(handlers: TransportHandlers): void {
    this.handlers = handlers;
    handlers.onStatus('open');
  }
  send(message: RequestMessage): void {
    this.sent.push(message);
  }
  close(): void {}
  reply(result: unknown, id = this.sent.at(-1)?.id): void {
    this.handlers.onMessage({ v: 1, type: 'response', id, ok: true, result });
  }
}

const STATUS = { protocol: 1, state: 'running', mode: 'research', now: 1, startedAt: 1, components: [] };

afterEach(() => {
  vi.useRealTimers();
});

describe('EngineClient', () => {
  it('resolves a request with its validated response, matched by id', async () => {
    const transport = new ManualTransport();
    const client = new EngineClient(transport);
    const first = client.request('GetEngineStatus', {});
    const second = client.request('ListSeries', {});
    transport.reply({ series: [] }, transport.sent[1]?.id);
    transport.reply(STATUS, transport.sent[0]?.id);
    await expect(first).resolves.toEqual(STATUS);
    await expect(second).resolves.toEqual({ series: [] });
    expect(transport.sent.map((m) => m.command)).toEqual(['GetEngineStatus', 'ListSeries']);
  });

  it('refuses an invalid request before sending it, naming the field', async () => {
    const transport = new ManualTransport();
    const client = new EngineClient(transport);
    await expect(client.request('QueryCandles', { seriesId: '' })).rejects.toThrow(/QueryCandles: seriesId/);
    expect(transport.sent).toEqual([]);
  });

  it('rejects a response that breaks the contract instead of passing it on', async () => {
    const transport = new ManualTransport();
    const client = new EngineClient(transport);
    const pending = client.request('GetEngineStatus', {});
    transport.reply({ ...STATUS, state: 'dancing' });
    await expect(pending).rejects.toThrow(/GetEngineStatus response: state/);
  });

  it('rebuilds engine errors with their code', async () => {
    const transport = new ManualTransport();
    const client = new EngineClient(transport);
    const pending = client.request('ListSeries', {});
    transport.handlers.onMessage({
      v: 1,
      type: 'response',
      id: transport.sent[0]?.id,
      ok: false,
      error: { name: 'NotFoundError', code: 'NOT_FOUND', message: 'no such series' },
    });
    await expect(pending).rejects.toMatchObject({ code: 'NOT_FOUND', message: 'no such series' });
  });

  it('never hangs: a silent engine times out, a dropped connection fails what was in flight', async () => {
    vi.useFakeTimers();
    const transport = new ManualTransport();
    const client = new EngineClient(transport, { requestTimeoutMs: 1000 });
    const silent = client.request('ListSeries', {});
    const assertion = expect(silent).rejects.toMatchObject({ code: 'TIMEOUT' });
    await vi.advanceTimersByTimeAsync(1001);
    await assertion;

    const inFlight = client.request('ListSeries', {});
    transport.handlers.onStatus('reconnecting', 'closed (1006)');
    await expect(inFlight).rejects.toMatchObject({
      code: 'TRANSPORT',
      message: 'connection reconnecting: closed (1006)',
    });
  });

  it('delivers valid events to subscribers and reports invalid ones', () => {
    const transport = new ManualTransport();
    const protocolErrors: string[] = [];
    const client = new EngineClient(transport, { onProtocolError: (e) => protocolErrors.push(e.message) });
    const seen: unknown[] = [];
    const off = client.on('EngineRestarted', (e) => seen.push(e));
    const event = { at: 5, reason: 'exit 3', restarts: 1 };
    transport.handlers.onMessage({ v: 1, type: 'event', event: 'EngineRestarted', seq: 0, payload: event });
    transport.handlers.onMessage({ v: 1, type: 'event', event: 'EngineRestarted', seq: 1, payload: { at: 'x' } });
    transport.handlers.onMessage({ v: 1, type: 'event', event: 'Bogus', seq: 2, payload: {} });
    transport.handlers.onMessage({ v: 2, type: 'event', event: 'EngineRestarted', seq: 3, payload: event });
    transport.handlers.onMessage('garbage');
    off();
    transport.handlers.onMessage({ v: 1, type: 'event', event: 'EngineRestarted', seq: 4, payload: event });
    expect(seen).toEqual([event]);
    expect(protocolErrors).toHaveLength(4);
    expect(protocolErrors[0]).toMatch(/EngineRestarted event: at/);
    expect(protocolErrors[1]).toMatch(/unknown event "Bogus"/);
    expect(protocolErrors[2]).toMatch(/protocol 2/);
  });
});

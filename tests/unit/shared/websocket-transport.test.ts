import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ConnectionStatus } from '../../../src/shared/client/transport.ts';
import { WebSocketTransport, type WebSocketLike } from '../../../src/shared/client/websocket-transport.ts';

type Listener = (event: never) => void;

class FakeSocket implements WebSocketLike {
  readyState = 0;
  sent: string[] = [];
  private listeners = new Map<string, Listener[]>();
  addEventListener(type: string, listener: Listener): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  send(data: string): void {
    this.sent.push(data);
  }
  close(): void {
    // Like a real WebSocket: the close event comes later, not inside close().
    queueMicrotask(() => this.emit('close', { code: 1000, reason: '' }));
  }
  emit(type: string, event: unknown = {}): void {
    if (type === 'open') this.readyState = 1;
    if (type === 'close') this.readyState = 3;
    for (const l of this.listeners.get(type) ?? []) l(event as never);
  }
}

afterEach(() => vi.useRealTimers());

function setup(random = () => 1) {
  const sockets: FakeSocket[] = [];
  const statuses: string[] = [];
  const messages: unknown[] = [];
  const transport = new WebSocketTransport({
    url: 'ws://x/api/v1/ws',
    createSocket: () => {
      const s = new FakeSocket();
      sockets.push(s);
      return s;
    },
    baseDelayMs: 100,
    maxDelayMs: 1000,
    random,
  });
  transport.start({
    onMessage: (m) => messages.push(m),
    onStatus: (s: ConnectionStatus, d?: string) => statuses.push(d ? `${s}: ${d}` : s),
  });
  return { transport, sockets, statuses, messages };
}

const request = { v: 1, type: 'request', id: '1', command: 'ListSeries', payload: {} } as const;

describe('WebSocketTransport', () => {
  it('holds requests until the socket opens, then sends them in order', () => {
    const { transport, sockets, statuses } = setup();
    transport.send(request);
    transport.send({ ...request, id: '2' });
    expect(sockets[0]?.sent).toEqual([]);
    sockets[0]?.emit('open');
    expect(sockets[0]?.sent.map((t) => (JSON.parse(t) as { id: string }).id)).toEqual(['1', '2']);
    expect(statuses).toEqual(['connecting', 'open']);
  });

  it('parses messages and passes malformed text on for the client to reject', () => {
    const { sockets, messages } = setup();
    sockets[0]?.emit('open');
    sockets[0]?.emit('message', { data: '{"type":"hello"}' });
    sockets[0]?.emit('message', { data: 'nope' });
    expect(messages).toEqual([{ type: 'hello' }, { malformed: 'nope' }]);
  });

  it('reconnects with capped exponential backoff and resets after success', async () => {
    vi.useFakeTimers();
    const { sockets, statuses } = setup();
    for (let i = 0; i < 5; i++) {
      sockets.at(-1)?.emit('close', { code: 1006, reason: '' });
      if (i < 4) await vi.advanceTimersByTimeAsync([100, 200, 400, 800][i] as number);
    }
    // Delays 100, 200, 400, 800 then capped at 1000.
    expect(sockets).toHaveLength(5);
    await vi.advanceTimersByTimeAsync(999);
    expect(sockets).toHaveLength(5);
    await vi.advanceTimersByTimeAsync(1);
    expect(sockets).toHaveLength(6);
    sockets[5]?.emit('open');
    expect(statuses.at(-1)).toBe('open');
    expect(statuses.filter((s) => s.startsWith('reconnecting'))).toHaveLength(5);
    sockets[5]?.emit('close', { code: 1006, reason: '' });
    await vi.advanceTimersByTimeAsync(100);
    expect(sockets).toHaveLength(7);
  });

  it('stops for good when closed, and refuses to send after', async () => {
    vi.useFakeTimers();
    const { transport, sockets, statuses } = setup();
    sockets[0]?.emit('open');
    transport.close();
    expect(statuses.at(-1)).toBe('closed');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(statuses.filter((s) => s === 'closed')).toHaveLength(1);
    expect(statuses.some((s) => s.startsWith('reconnecting'))).toBe(false);
    expect(sockets).toHaveLength(1);
    expect(() => transport.send(request)).toThrow(/closed/);
  });

  it('fails fast when too many requests wait for a connection', () => {
    const { transport } = setup();
    for (let i = 0; i < 256; i++) transport.send({ ...request, id: String(i) });
    expect(() => transport.send(request)).toThrow(/too many requests/);
  });
});

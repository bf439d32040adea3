import { describe, expect, it } from 'vitest';
import { rememberSecret } from '../../../src/adapters/secrets/secret-redactor.ts';
import { scrubbed } from '../../../src/host/worker-scrub.ts';
import { PROTOCOL_VERSION } from '../../../src/shared/contract/protocol.ts';

describe('messages leaving the engine worker', () => {
  const secret = 'sk-ant-worker-0123456789abcdef';
  rememberSecret(secret);

  it('scrub keys this thread read from error responses and failure events', () => {
    const response = scrubbed({
      v: PROTOCOL_VERSION,
      type: 'response',
      id: 'r1',
      ok: false,
      error: { name: 'TransportError', code: 'TRANSPORT', message: `401 for key ${secret.toUpperCase()}` },
    } as const);
    expect(response.ok).toBe(false);
    if (!response.ok) expect(response.error.message).toBe('401 for key [redacted]');
    const event = scrubbed({
      v: PROTOCOL_VERSION,
      type: 'event',
      event: 'LearnFailed',
      seq: 3,
      payload: { jobId: 'j', at: 1, error: `bad key ${secret}` },
    });
    expect(event.payload).toEqual({ jobId: 'j', at: 1, error: 'bad key [redacted]' });
  });

  it('leave other messages as they are (the same object, no copying on the hot path)', () => {
    const candles = { v: PROTOCOL_VERSION, type: 'event', event: 'CandlesLoaded', seq: 1, payload: { n: 1 } } as const;
    expect(scrubbed(candles)).toBe(candles);
  });
});

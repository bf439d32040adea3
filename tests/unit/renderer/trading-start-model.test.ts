import { describe, expect, it } from 'vitest';
import { Commands } from '../../../src/shared/contract/commands.ts';
import { isMainnetConfirmation, mainnetConfirmationPhrase } from '../../../src/shared/contract/trading.ts';
import { needsMainnetPhrase, startRequest, type StartForm } from '../../../src/renderer/src/trading/start-model.ts';

const form = (patch: Partial<StartForm> = {}): StartForm => ({
  mode: 'paper',
  network: 'custom',
  apiUrl: 'http://127.0.0.1:7777',
  coin: 'BTC',
  capital: '10000',
  account: '',
  confirmation: '',
  ...patch,
});

describe('trading: the mainnet confirmation phrase', () => {
  it('is the coin and MAINNET, typed; case and extra spaces aside, nothing else passes', () => {
    expect(mainnetConfirmationPhrase('BTC')).toBe('BTC MAINNET');
    expect(isMainnetConfirmation('BTC', 'BTC MAINNET')).toBe(true);
    expect(isMainnetConfirmation('BTC', '  btc   mainnet ')).toBe(true);
    expect(isMainnetConfirmation('BTC', 'ETH MAINNET')).toBe(false);
    expect(isMainnetConfirmation('BTC', 'MAINNET')).toBe(false);
    expect(isMainnetConfirmation('BTC', 'BTC MAINNET!')).toBe(false);
    expect(isMainnetConfirmation('BTC', undefined)).toBe(false);
    expect(isMainnetConfirmation('', ' MAINNET')).toBe(false);
  });

  it('is required by the contract for live on mainnet only', () => {
    const schema = Commands.StartTradingSession.request;
    const live = { mode: 'live', coin: 'BTC', network: 'mainnet' } as const;
    const refused = schema.safeParse(live);
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0]?.path).toEqual(['confirmation']);
    expect(refused.error?.issues[0]?.message).toMatch(/"BTC MAINNET"/);
    expect(schema.safeParse({ ...live, confirmation: 'BTC MAINNET' }).success).toBe(true);
    // Testnet live and paper on mainnet data need no phrase.
    expect(schema.safeParse({ ...live, network: 'testnet' }).success).toBe(true);
    expect(schema.safeParse({ ...live, mode: 'paper' }).success).toBe(true);
  });
});

describe('trading: the start form', () => {
  it('builds a paper request at a custom URL, leaving live-only fields out', () => {
    const result = startRequest(form({ account: '0x0000000000000000000000000000000000000001' }));
    expect(result).toEqual({
      ok: true,
      request: { mode: 'paper', coin: 'BTC', network: 'custom', apiUrl: 'http://127.0.0.1:7777', capital: '10000' },
    });
  });

  it('builds a live mainnet request only with the phrase, and names the field otherwise', () => {
    const live = form({ mode: 'live', network: 'mainnet' });
    expect(needsMainnetPhrase(live)).toBe(true);
    expect(needsMainnetPhrase(form({ mode: 'live', network: 'testnet' }))).toBe(false);
    const without = startRequest(live);
    expect(without.ok).toBe(false);
    if (!without.ok) expect(without.errors.confirmation).toMatch(/BTC MAINNET/);
    const withPhrase = startRequest({ ...live, confirmation: 'BTC MAINNET' });
    expect(withPhrase).toEqual({
      ok: true,
      request: { mode: 'live', coin: 'BTC', network: 'mainnet', confirmation: 'BTC MAINNET' },
    });
  });

  it('names bad fields: a custom venue without a URL, a malformed account', () => {
    const noUrl = startRequest(form({ apiUrl: '' }));
    expect(noUrl.ok).toBe(false);
    if (!noUrl.ok) expect(Object.keys(noUrl.errors)).toContain('apiUrl');
    const badAccount = startRequest(form({ mode: 'live', network: 'testnet', account: '0x12' }));
    expect(badAccount.ok).toBe(false);
    if (!badAccount.ok) expect(badAccount.errors.account).toMatch(/40 hex digits/);
  });
});

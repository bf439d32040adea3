import { createL1ActionHash } from '@nktkas/hyperliquid/signing';
import { Decimal } from 'decimal.js';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HlSigner } from '../../../src/adapters/hyperliquid/hl-signer.ts';
import { roundPrice, roundSize, wireOrder } from '../../../src/adapters/hyperliquid/hl-wire.ts';
import { NonceManager } from '../../../src/adapters/hyperliquid/nonce-manager.ts';
import { ROOT } from '../../helpers/paths.ts';

/** Left-pads r/s to 32 bytes (the Python SDK trims leading zero nibbles). */
const pad = (hex: string) => `0x${hex.slice(2).padStart(64, '0')}`;

// A few of the official vectors (Python and TypeScript SDK test suites), kept here so that
// signing is checked on every machine; the whole set runs when the reference file is present.
const PY_KEY = '0x0123456789012345678901234567890123456789012345678901234567890123';
const EMBEDDED = [
  {
    id: 'py_order_gtc_with_cloid',
    key: PY_KEY,
    action: {
      type: 'order',
      orders: [
        {
          a: 1,
          b: true,
          p: '100',
          s: '100',
          r: false,
          t: { limit: { tif: 'Gtc' } },
          c: '0x00000000000000000000000000000001',
        },
      ],
      grouping: 'na',
    },
    nonce: 0,
    vault: undefined,
    mainnet: {
      r: '0x041ae18e8239a56cacbc5dad94d45d0b747e5da11ad564077fcac71277a946e3',
      s: '0x3c61f667e747404fe7eea8f90ab0e76cc12ce60270438b2058324681a00116da',
      v: 27,
    },
    testnet: {
      r: '0xeba0664bed2676fc4e5a743bf89e5c7501aa6d870bdb9446e122c9466c5cd16d',
      s: '0x7f3e74825c9114bc59086f1eebea2928c190fdfbfde144827cb02b85bbe90988',
      v: 28,
    },
  },
  {
    id: 'py_dummy_action_with_vault',
    key: PY_KEY,
    action: { type: 'dummy', num: 100000000000 },
    nonce: 0,
    vault: '0x1719884eb866cb12b2287399b15f7db5e7d775ea' as const,
    mainnet: {
      r: '0x003c548db75e479f8012acf3000ca3a6b05606bc2ec0c29c50c515066a326239',
      s: '0x4d402be7396ce74fbba3795769cda45aec00dc3125a984f2a9f23177b190da2c',
      v: 28,
    },
    testnet: {
      r: '0xe281d2fb5c6e25ca01601f878e4d69c965bb598b88fac58e475dd1f5e56c362b',
      s: '0x7ddad27e9a238d045c035bc606349d075d5c5cd00a6cd1da23ab5c39d4ef0f60',
      v: 27,
    },
  },
  {
    id: 'py_trigger_sl_market_order',
    key: PY_KEY,
    action: {
      type: 'order',
      orders: [
        {
          a: 1,
          b: true,
          p: '100',
          s: '100',
          r: false,
          t: { trigger: { isMarket: true, triggerPx: '103', tpsl: 'sl' } },
        },
      ],
      grouping: 'na',
    },
    nonce: 0,
    vault: undefined,
    mainnet: {
      r: '0x98343f2b5ae8e26bb2587daad3863bc70d8792b09af1841b6fdd530a2065a3f9',
      s: '0x6b5bb6bb0633b710aa22b721dd9dee6d083646a5f8e581a20b545be6c1feb405',
      v: 27,
    },
    testnet: {
      r: '0x971c554d917c44e0e1b6cc45d8f9404f32172a9d3b3566262347d0302896a2e4',
      s: '0x206257b104788f80450f8e786c329daa589aa0b32ba96948201ae556d5637eac',
      v: 28,
    },
  },
];

describe('L1 signing', () => {
  for (const vector of EMBEDDED) {
    for (const network of ['mainnet', 'testnet'] as const) {
      it(`${vector.id} (${network})`, async () => {
        const signer = new HlSigner(vector.key, network === 'testnet');
        const sig = await signer.signL1(vector.action, vector.nonce, { vaultAddress: vector.vault });
        const expected = vector[network];
        expect({ r: pad(sig.r), s: pad(sig.s), v: sig.v }).toEqual({
          r: pad(expected.r),
          s: pad(expected.s),
          v: expected.v,
        });
      });
    }
  }

  it('builds order wires whose keys are in signing order, with cloids in lower case', () => {
    const wire = wireOrder({
      asset: 1,
      isBuy: true,
      price: new Decimal('100.0'),
      size: new Decimal('100'),
      reduceOnly: false,
      type: { limit: { tif: 'Gtc' } },
      cloid: '0x0000000000000000000000000000000A',
    });
    expect(JSON.stringify(wire)).toBe(
      '{"a":1,"b":true,"p":"100","s":"100","r":false,"t":{"limit":{"tif":"Gtc"}},"c":"0x0000000000000000000000000000000a"}',
    );
    const trigger = wireOrder({
      asset: 1,
      isBuy: true,
      price: new Decimal(100),
      size: new Decimal(100),
      reduceOnly: false,
      type: { trigger: { tpsl: 'sl', triggerPx: '103', isMarket: true } as never },
    });
    expect(Object.keys((trigger.t as { trigger: object }).trigger)).toEqual(['isMarket', 'triggerPx', 'tpsl']);
  });

  it('refuses a malformed key without echoing it', () => {
    const secret = `0x${'ab'.repeat(31)}zz`;
    let message = '';
    try {
      new HlSigner(secret, true);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/not a 32-byte hex private key/);
    expect(message).not.toContain('abab');
  });
});

describe('price and size on the venue grid', () => {
  it('truncates to 6 − szDecimals decimals, then 5 significant figures unless an integer', () => {
    const p = (v: string, sz: number, kind: 'perp' | 'spot' = 'perp') =>
      roundPrice(new Decimal(v), { szDecimals: sz, kind }).toFixed();
    expect(p('1234567', 0)).toBe('1234567');
    expect(p('12345.6', 0)).toBe('12345');
    expect(p('0.00123456', 0)).toBe('0.001234');
    expect(p('0.1234567', 0)).toBe('0.12345');
    expect(p('123.456', 5)).toBe('123.4');
    expect(p('0.000123456', 0, 'spot')).toBe('0.00012345');
    expect(p('1.1000', 0)).toBe('1.1');
    expect(() => p('0.0000001', 0)).toThrow(/rounds to 0/);
    // Rounding up, for a sell that must not get less than asked.
    expect(roundPrice(new Decimal('12345.6'), { szDecimals: 0 }, 'up').toFixed()).toBe('12346');
    expect(roundSize(new Decimal('123.456789'), { szDecimals: 2 }).toFixed()).toBe('123.45');
    expect(() => roundSize(new Decimal('0.0000001'), { szDecimals: 0 })).toThrow(/rounds to 0/);
  });
});

describe('nonces', () => {
  it('1,000 concurrent submissions in one millisecond get 1,000 distinct increasing nonces', async () => {
    const manager = new NonceManager(() => 1_700_000_000_000);
    const nonces = await Promise.all(
      Array.from({ length: 1000 }, async () => {
        await Promise.resolve();
        return manager.next('0xABC');
      }),
    );
    expect(new Set(nonces).size).toBe(1000);
    expect(nonces.every((n, i) => i === 0 || n > (nonces[i - 1] as number))).toBe(true);
    // Per signer, case-insensitively; another signer has its own sequence.
    expect(manager.next('0xabc')).toBe(1_700_000_001_000);
    expect(manager.next('0xdef')).toBe(1_700_000_000_000);
  });

  it('never goes back, even when the clock does, and moves past a nonce found after a restart', () => {
    let clock = 5_000;
    const manager = new NonceManager(() => clock);
    expect(manager.next('a')).toBe(5_000);
    clock = 4_000;
    expect(manager.next('a')).toBe(5_001);
    manager.observe('a', 9_000);
    expect(manager.next('a')).toBe(9_001);
  });
});

interface Vectors {
  l1_action_vectors: {
    id: string;
    kind: string;
    private_key: string | null;
    action: Record<string, unknown>;
    nonce: number;
    vault_address: `0x${string}` | null;
    expires_after: number | null;
    expected: Record<string, { r: string; s: string; v: number } | string>;
  }[];
  user_signed_vectors: {
    id: string;
    private_key: string;
    primary_type: string;
    types: { name: string; type: string }[];
    message: Record<string, unknown> & { signatureChainId: `0x${string}` };
    expected: { r: string; s: string; v: number };
  }[];
}

const VECTORS = join(ROOT, '..', 'shared', 'reference', 'hyperliquid', 'signing_vectors.json');

describe.skipIf(!existsSync(VECTORS))('every official signing vector (../shared/reference)', () => {
  const vectors = existsSync(VECTORS) ? (JSON.parse(readFileSync(VECTORS, 'utf8')) as Vectors) : null;
  it('L1 action hashes and signatures', async () => {
    let checked = 0;
    for (const v of vectors?.l1_action_vectors ?? []) {
      const options = { vaultAddress: v.vault_address ?? undefined, expiresAfter: v.expires_after ?? undefined };
      if (typeof v.expected.action_hash === 'string') {
        expect(createL1ActionHash({ action: v.action, nonce: v.nonce, ...options }), v.id).toBe(v.expected.action_hash);
        checked++;
      }
      if (!v.private_key) continue;
      for (const network of ['mainnet', 'testnet'] as const) {
        const expected = v.expected[network] as { r: string; s: string; v: number } | undefined;
        if (!expected) continue;
        const sig = await new HlSigner(v.private_key, network === 'testnet').signL1(v.action, v.nonce, options);
        expect({ id: v.id, r: pad(sig.r), s: pad(sig.s), v: sig.v }).toEqual({
          id: v.id,
          r: pad(expected.r),
          s: pad(expected.s),
          v: expected.v,
        });
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(20);
  });

  it('user-signed actions', async () => {
    for (const v of vectors?.user_signed_vectors ?? []) {
      const signer = new HlSigner(v.private_key, false);
      const sig = await signer.signUserSigned(v.message, { [v.primary_type]: v.types });
      expect({ id: v.id, r: pad(sig.r), s: pad(sig.s), v: sig.v }).toEqual({
        id: v.id,
        r: pad(v.expected.r),
        s: pad(v.expected.s),
        v: v.expected.v,
      });
    }
  });
});

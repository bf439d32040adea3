import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { TokenVerifier, bearerToken, generateToken, hashToken } from '../../../../src/server/auth/api-tokens.ts';
import { AuthConfigSchema } from '../../../../src/server/auth/auth-config.ts';
import { TokenBucketLimiter, addressBucket } from '../../../../src/server/auth/rate-limiter.ts';
import { SessionStore, readCookie } from '../../../../src/server/auth/session-store.ts';
import { runCli } from '../../../../src/server/cli/program.ts';

describe('API tokens', () => {
  it('generates distinct 256-bit tokens and hashes them as SHA-256 hex', () => {
    const a = generateToken();
    const b = generateToken();
    expect(a).not.toBe(b);
    expect(a).toMatch(/^hdk_[A-Za-z0-9_-]{43}$/);
    expect(hashToken(a)).toBe(createHash('sha256').update(a).digest('hex'));
  });

  it('verifies a token against the configured digests only', () => {
    const trader = generateToken();
    const viewer = generateToken();
    const verifier = new TokenVerifier([
      { name: 'alice', role: 'trader', sha256: hashToken(trader) },
      { name: 'bob', role: 'viewer', sha256: hashToken(viewer) },
    ]);
    expect(verifier.enabled).toBe(true);
    expect(verifier.verify(trader)).toEqual({ name: 'alice', role: 'trader' });
    expect(verifier.verify(viewer)).toEqual({ name: 'bob', role: 'viewer' });
    expect(verifier.verify(hashToken(trader))).toBeNull();
    expect(verifier.verify(`${trader} `)).toBeNull();
    expect(verifier.verify('')).toBeNull();
    expect(verifier.verify('x'.repeat(10_000))).toBeNull();
    expect(new TokenVerifier([]).enabled).toBe(false);
  });

  it('reads bearer tokens from Authorization headers', () => {
    expect(bearerToken(undefined)).toBeUndefined();
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('bearer  abc')).toBe('abc');
    expect(bearerToken('Basic abc')).toBeNull();
    expect(bearerToken('Bearer a b')).toBeNull();
    expect(bearerToken('Bearer ')).toBeNull();
  });

  it('validates the auth config, naming the bad field', () => {
    const sha256 = hashToken('t');
    expect(AuthConfigSchema.parse({})).toEqual({
      tokens: [],
      rateLimit: { perSecond: 50, burst: 100 },
      corsOrigins: [],
      sessionHours: 12,
    });
    const twice = AuthConfigSchema.safeParse({
      tokens: [
        { name: 'a', role: 'admin', sha256 },
        { name: 'a', role: 'viewer', sha256: hashToken('u') },
      ],
    });
    expect(twice.error?.issues[0]).toMatchObject({ path: ['tokens', 1, 'name'], message: 'is used twice' });
    const clear = AuthConfigSchema.safeParse({ tokens: [{ name: 'a', role: 'admin', sha256: 'hdk_plaintext' }] });
    expect(clear.error?.issues[0]?.path).toEqual(['tokens', 0, 'sha256']);
    const role = AuthConfigSchema.safeParse({ tokens: [{ name: 'a', role: 'root', sha256 }] });
    expect(role.error?.issues[0]?.path).toEqual(['tokens', 0, 'role']);
    const origin = AuthConfigSchema.safeParse({ corsOrigins: ['https://a.example/'] });
    expect(origin.error?.issues[0]?.path).toEqual(['corsOrigins', 0]);
    expect(AuthConfigSchema.parse({ corsOrigins: ['https://a.example:8443'] }).corsOrigins).toEqual([
      'https://a.example:8443',
    ]);
  });
});

describe('token bucket', () => {
  it('allows a burst, then the sustained rate, per key', () => {
    let now = 0;
    const limiter = new TokenBucketLimiter({ perSecond: 2, burst: 3, now: () => now });
    expect([1, 2, 3].map(() => limiter.take('a').ok)).toEqual([true, true, true]);
    expect(limiter.take('a')).toEqual({ ok: false, retryAfterSeconds: 1 });
    expect(limiter.take('b').ok).toBe(true);
    now += 500;
    expect(limiter.take('a').ok).toBe(true);
    expect(limiter.take('a').ok).toBe(false);
    now += 10_000;
    expect([1, 2, 3, 4].map(() => limiter.take('a').ok)).toEqual([true, true, true, false]);
  });

  it('asks slow buckets to wait long enough', () => {
    let now = 0;
    const limiter = new TokenBucketLimiter({ perSecond: 0.2, burst: 1, now: () => now });
    expect(limiter.take('a').ok).toBe(true);
    expect(limiter.take('a')).toEqual({ ok: false, retryAfterSeconds: 5 });
    now += 5000;
    expect(limiter.take('a').ok).toBe(true);
  });

  it('keeps memory bounded when many addresses appear', () => {
    let now = 0;
    const limiter = new TokenBucketLimiter({ perSecond: 1, burst: 2, now: () => now, maxKeys: 100 });
    for (let i = 0; i < 1000; i++) {
      limiter.take(`k${i}`);
      now += 1;
    }
    expect(limiter.size).toBeLessThanOrEqual(100);
  });

  it('keys IPv6 callers by their /64, so rotating addresses within it does not reset the limit', () => {
    expect(addressBucket('203.0.113.7')).toBe('203.0.113.7');
    expect(addressBucket('::ffff:203.0.113.7')).toBe('203.0.113.7');
    const net = '2001:db8:1:2::/64';
    for (const a of [
      '2001:db8:1:2:aaaa::1',
      '2001:db8:1:2:bbbb:cccc:dddd:eeee',
      '2001:0DB8:0001:0002::',
      '2001:db8:1:2::9%eth0',
    ]) {
      expect(addressBucket(a), a).toBe(net);
    }
    expect(addressBucket('2001:db8:1:3::1')).not.toBe(net);
    expect(addressBucket('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressBucket('::1')).toBe('0:0:0:0::/64');
    expect(addressBucket('64:ff9b::192.0.2.1')).toBe('64:ff9b:0:0::/64');
    // One /64 shares one bucket: the burst holds across its addresses.
    const limiter = new TokenBucketLimiter({ perSecond: 1, burst: 3, now: () => 0 });
    const results = [1, 2, 3, 4, 5].map((n) => limiter.take(addressBucket(`2001:db8:1:2::${n}`)).ok);
    expect(results).toEqual([true, true, true, false, false]);
  });
});

describe('browser sessions', () => {
  it('open, expire and end', () => {
    let now = 0;
    const store = new SessionStore({ ttlMs: 1000, now: () => now });
    const id = store.create({ name: 'alice', role: 'viewer' });
    expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(store.get(id)).toEqual({ name: 'alice', role: 'viewer' });
    expect(store.get(`${id}x`)).toBeNull();
    now = 999;
    expect(store.get(id)).not.toBeNull();
    now = 1000;
    expect(store.get(id)).toBeNull();
    const other = store.create({ name: 'bob', role: 'trader' });
    store.delete(other);
    expect(store.get(other)).toBeNull();
  });

  it("caps one token's sign-ins, so a viewer signing in repeatedly cannot push an admin's session out", () => {
    const store = new SessionStore({ ttlMs: 60_000, now: () => 0, maxSessions: 10, maxPerPrincipal: 3 });
    const admin = store.create({ name: 'admin-user', role: 'admin' });
    const viewer = Array.from({ length: 50 }, () => store.create({ name: 'viewer-user', role: 'viewer' }));
    expect(store.get(admin)).toEqual({ name: 'admin-user', role: 'admin' });
    // The viewer keeps its newest three sign-ins; older ones ended.
    expect(viewer.slice(-3).map((id) => store.get(id)?.name)).toEqual(['viewer-user', 'viewer-user', 'viewer-user']);
    expect(viewer.slice(0, -3).every((id) => store.get(id) === null)).toBe(true);
  });

  it('reads the cookie among others', () => {
    expect(readCookie('a=1; hyperdesk_session=xyz; b=2', 'hyperdesk_session')).toBe('xyz');
    expect(readCookie('a=1', 'hyperdesk_session')).toBeUndefined();
    expect(readCookie(undefined, 'hyperdesk_session')).toBeUndefined();
  });
});

describe('hyperdesk token create', () => {
  async function cli(...args: string[]) {
    let out = '';
    let err = '';
    const code = await runCli(args, { out: (t) => void (out += t), err: (t) => void (err += t) });
    return { code, out, err };
  }

  it('prints a new token once and the config line with its SHA-256', async () => {
    const { code, out } = await cli('token', 'create', '--role', 'trader', '--name', 'alice');
    expect(code).toBe(0);
    const token = /^ {2}(hdk_\S+)$/m.exec(out)?.[1] ?? '';
    const sha = /sha256: "([0-9a-f]{64})" \}$/m.exec(out)?.[1];
    expect(token).toMatch(/^hdk_/);
    expect(sha).toBe(hashToken(token));
    expect(out).toContain(`- { name: "alice", role: trader, sha256: "${sha}" }`);
    // The printed entry is valid configuration.
    const entry = { name: 'alice', role: 'trader', sha256: sha };
    expect(AuthConfigSchema.parse({ tokens: [entry] }).tokens).toEqual([entry]);
    const again = await cli('token', 'create', '--role', 'trader', '--name', 'alice');
    expect(again.out).not.toContain(token);
  });

  it('refuses an unknown role or a bad name, naming the field', async () => {
    const role = await cli('token', 'create', '--role', 'root', '--name', 'alice');
    expect(role.code).toBe(1);
    expect(role.err).toContain('token: role:');
    const name = await cli('token', 'create', '--role', 'viewer', '--name', 'al ice');
    expect(name.code).toBe(1);
    expect(name.err).toContain('token: name:');
  });
});

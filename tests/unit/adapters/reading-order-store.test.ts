import { describe, expect, it } from 'vitest';
import { EnvSecretStore } from '../../../src/adapters/secrets/env-secret-store.ts';
import { ReadingOrderStore } from '../../../src/adapters/secrets/reading-order-store.ts';
import type { SecretName, SecretStore } from '../../../src/adapters/secrets/secret-store.ts';
import { ConfigurationError } from '../../../src/shared/contract/errors.ts';

/** A writable store in memory, or one whose every call fails (an unreachable keychain). */
function memoryStore(
  initial: Partial<Record<SecretName, string>> = {},
  broken = false,
): SecretStore & {
  values: Partial<Record<SecretName, string>>;
} {
  const values = { ...initial };
  const fail = () => {
    throw new ConfigurationError('the OS keychain is not reachable');
  };
  return {
    kind: 'keychain',
    describe: 'the OS keychain',
    values,
    get: async (name) => (broken ? fail() : (values[name] ?? null)),
    set: async (name, value) => {
      if (broken) fail();
      values[name] = value;
    },
    delete: async (name) => {
      if (broken) fail();
      const had = values[name] !== undefined;
      delete values[name];
      return had;
    },
  };
}

describe('ReadingOrderStore', () => {
  it('reads the environment first, then the host store', async () => {
    const host = memoryStore({ 'signing-key': 'from-keychain', 'anthropic-api-key': 'sk-keychain' });
    const store = new ReadingOrderStore([new EnvSecretStore({ ANTHROPIC_API_KEY: 'sk-env' }), host]);
    expect(await store.get('anthropic-api-key')).toBe('sk-env');
    expect(await store.get('signing-key')).toBe('from-keychain');
    expect(store.describe).toBe('environment variables, then the OS keychain');
  });

  it('writes and deletes in the host store only', async () => {
    const host = memoryStore();
    const store = new ReadingOrderStore([new EnvSecretStore({}), host]);
    await store.set('signing-key', 'k1');
    expect(host.values['signing-key']).toBe('k1');
    expect(await store.delete('signing-key')).toBe(true);
    expect(host.values['signing-key']).toBeUndefined();
  });

  it('an unreachable store does not hide a key another has, and is reported when none has it', async () => {
    const broken = memoryStore({}, true);
    const withEnv = new ReadingOrderStore([new EnvSecretStore({ HYPERDESK_SIGNING_KEY: 'k-env' }), broken]);
    expect(await withEnv.get('signing-key')).toBe('k-env');
    const without = new ReadingOrderStore([new EnvSecretStore({}), broken]);
    await expect(without.get('signing-key')).rejects.toThrow(/not reachable/);
  });
});

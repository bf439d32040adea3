import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EnvSecretStore } from '../../../src/adapters/secrets/env-secret-store.ts';
import { FileSecretStore } from '../../../src/adapters/secrets/file-secret-store.ts';
import { KeychainSecretStore } from '../../../src/adapters/secrets/keychain-secret-store.ts';
import { openSecretStore } from '../../../src/adapters/secrets/open-secret-store.ts';
import type { SecretStore } from '../../../src/adapters/secrets/secret-store.ts';
import { redactSecrets, rememberSecret } from '../../../src/adapters/secrets/secret-redactor.ts';
import { ConfigurationError } from '../../../src/shared/contract/errors.ts';
import { tempDir } from '../../helpers/paths.ts';

const tmp = tempDir();
afterAll(() => tmp.remove());
const KEY = '0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318';

describe('secret stores', () => {
  it('env: reads the mapped variable, trimmed; is read-only', async () => {
    const store: SecretStore = new EnvSecretStore({ HYPERDESK_SIGNING_KEY: ` ${KEY}\n`, ANTHROPIC_API_KEY: '' });
    expect(await store.get('signing-key')).toBe(KEY);
    expect(await store.get('anthropic-api-key')).toBeNull();
    await expect(store.set('signing-key', KEY)).rejects.toThrow(/read-only.*HYPERDESK_SIGNING_KEY/);
  });

  it('file: one file per secret in a mounted folder; absent → null; a huge file is refused without showing it', async () => {
    const dir = join(tmp.dir, 'mounted');
    mkdirSync(dir);
    writeFileSync(join(dir, 'signing-key'), `${KEY}\n`);
    const store: SecretStore = new FileSecretStore(dir);
    expect(await store.get('signing-key')).toBe(KEY);
    expect(await store.get('anthropic-api-key')).toBeNull();
    writeFileSync(join(dir, 'anthropic-api-key'), 'x'.repeat(10_000));
    const error = await store.get('anthropic-api-key').catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(/10000 bytes: not a key/);
    expect((error as Error).message).not.toContain('xxxx');
    await expect(store.delete('signing-key')).rejects.toThrow(/read-only/);
  });

  it('keychain: a round trip where the OS has a keychain, else a clear error that names the alternatives', async () => {
    const store = new KeychainSecretStore(`HyperDesk-test-${process.pid}`);
    const value = `sk-test-${Date.now()}-value`;
    let available = true;
    try {
      await store.set('anthropic-api-key', value);
    } catch (error) {
      available = false;
      expect(error).toBeInstanceOf(ConfigurationError);
      expect((error as Error).message).toMatch(/OS keychain is not available .*--secrets env .*file:<dir>/);
      expect((error as Error).message).not.toContain(value);
    }
    if (available) {
      expect(await store.get('anthropic-api-key')).toBe(value);
      expect(await store.delete('anthropic-api-key')).toBe(true);
      expect(await store.get('anthropic-api-key')).toBeNull();
    }
  });

  it('the --secrets option names a store or fails clearly', () => {
    expect(openSecretStore('env').kind).toBe('env');
    expect(openSecretStore('file:/run/secrets/hyperdesk').describe).toBe('files in /run/secrets/hyperdesk');
    expect(openSecretStore('keychain').kind).toBe('keychain');
    expect(() => openSecretStore('vault')).toThrow(/unknown secret store "vault"/);
  });

  it('text leaving the process is scrubbed of every secret read, in any case and without 0x', () => {
    rememberSecret(KEY);
    const bare = KEY.slice(2);
    expect(redactSecrets(`key=${KEY} again ${bare.toUpperCase()} end`)).toBe('key=[redacted] again [redacted] end');
    expect(redactSecrets('nothing secret here')).toBe('nothing secret here');
  });
});

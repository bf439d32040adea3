import { mkdirSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DirSecretStore } from '../../../src/adapters/secrets/dir-secret-store.ts';
import { openSecretStore } from '../../../src/adapters/secrets/open-secret-store.ts';
import { redactSecrets } from '../../../src/adapters/secrets/secret-redactor.ts';
import { tempDir } from '../../helpers/paths.ts';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function dir(): string {
  const tmp = tempDir();
  cleanups.push(tmp.remove);
  return tmp.dir;
}

const KEY = `0x${'7a'.repeat(32)}`;

describe('writable secret folder (dir:<folder>)', () => {
  it('is what dir:<folder> opens, and writes, reads, replaces and deletes keys', async () => {
    const folder = join(dir(), 'keys');
    const store = openSecretStore(`dir:${folder}`);
    expect(store).toBeInstanceOf(DirSecretStore);
    expect(store.kind).toBe('dir');
    expect(await store.get('signing-key')).toBeNull();
    await store.set('signing-key', `${KEY}\n`);
    expect(await store.get('signing-key')).toBe(KEY);
    await store.set('signing-key', KEY.replace('7a', '7b'));
    expect(await store.get('signing-key')).toBe(KEY.replace('7a', '7b'));
    expect(await store.delete('signing-key')).toBe(true);
    expect(await store.delete('signing-key')).toBe(false);
    expect(await store.get('signing-key')).toBeNull();
  });

  it('keeps each key readable by this user only, and remembers it for redaction', async () => {
    const folder = join(dir(), 'keys');
    const store = new DirSecretStore(folder);
    await store.set('anthropic-api-key', 'sk-ant-api03-dirStoreTest-000111');
    const file = join(folder, 'anthropic-api-key');
    expect(readFileSync(file, 'utf8')).toBe('sk-ant-api03-dirStoreTest-000111\n');
    if (process.platform !== 'win32') {
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(statSync(folder).mode & 0o777).toBe(0o700);
    }
    expect(redactSecrets('key sk-ant-api03-dirStoreTest-000111 here')).toBe('key [redacted] here');
  });

  it('fails with a message naming the secret and the folder, never the value', async () => {
    const parent = dir();
    const blocker = join(parent, 'not-a-folder');
    writeFileSync(blocker, 'x');
    const store = new DirSecretStore(blocker);
    const error = await store.set('signing-key', KEY).catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(Error);
    expect(error?.message).toMatch(/cannot store the secret signing-key in .*not-a-folder: E/);
    expect(error?.message).not.toContain(KEY.slice(2, 30));
    expect(() => openSecretStore('dir:')).toThrow(/use keychain, env, file:<dir> or dir:<dir>/);
  });

  it.skipIf(process.platform === 'win32')(
    'never writes a key through a link planted where its temporary file goes, and survives concurrent writes',
    async () => {
      const parent = dir();
      const folder = join(parent, 'keys');
      mkdirSync(folder, { mode: 0o700 });
      const victim = join(parent, 'victim.txt');
      writeFileSync(victim, 'untouched\n');
      // What a fixed temporary name (<secret>.<pid>.partial) would have written through.
      symlinkSync(victim, join(folder, `signing-key.${process.pid}.partial`));
      const store = new DirSecretStore(folder);
      await store.set('signing-key', KEY);
      expect(readFileSync(victim, 'utf8')).toBe('untouched\n');
      expect(readFileSync(join(folder, 'signing-key'), 'utf8')).toBe(`${KEY}\n`);

      const other = KEY.replace('7a', '7b');
      await Promise.all([store.set('signing-key', KEY), store.set('signing-key', other)]);
      expect([`${KEY}\n`, `${other}\n`]).toContain(readFileSync(join(folder, 'signing-key'), 'utf8'));
      // Nothing left behind but the planted link.
      expect(readdirSync(folder).sort()).toEqual(['signing-key', `signing-key.${process.pid}.partial`]);
    },
  );
});

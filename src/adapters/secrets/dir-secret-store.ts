import { randomBytes } from 'node:crypto';
import { chmod, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigurationError } from '../../shared/contract/errors.ts';
import { FileSecretStore } from './file-secret-store.ts';
import { rememberSecret } from './secret-redactor.ts';
import type { SecretName, SecretStore } from './secret-store.ts';

/**
 * Secrets as files in a folder HyperDesk owns and writes (`dir:<folder>`): one file per secret,
 * named after it, readable by this user only (0600 in a 0700 folder). For servers without a
 * keychain whose keys are set from the Settings panel, and for tests. Reading works as for
 * mounted secrets ({@link FileSecretStore}); writing replaces the file atomically.
 */
export class DirSecretStore implements SecretStore {
  readonly kind = 'dir';
  readonly describe: string;
  private readonly dir: string;
  private readonly reader: FileSecretStore;

  constructor(dir: string) {
    this.dir = dir;
    this.describe = `files in ${dir}`;
    this.reader = new FileSecretStore(dir);
  }

  get(name: SecretName): Promise<string | null> {
    return this.reader.get(name);
  }

  async set(name: SecretName, value: string): Promise<void> {
    rememberSecret(value);
    const path = join(this.dir, name);
    // A fresh, unguessable name created exclusively ('wx': O_CREAT|O_EXCL, which never follows
    // a symlink): with a fixed name, a link planted there beforehand (a shared or loosely
    // permissioned folder) would have the key written through it to wherever it points, and
    // two concurrent writes of one secret would share, and tear, one temporary file.
    const temp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.partial`;
    try {
      await mkdir(this.dir, { recursive: true, mode: 0o700 });
      // Created 0600 (before any byte is written), so the key is never readable by others.
      await writeFile(temp, `${value.trim()}\n`, { mode: 0o600, flag: 'wx' });
      await chmod(temp, 0o600);
      await rename(temp, path);
    } catch (error) {
      // Best effort: the folder may be what failed; the error that matters is the write's.
      await rm(temp, { force: true }).catch(() => undefined);
      throw new ConfigurationError(
        `cannot store the secret ${name} in ${this.dir}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`,
      );
    }
  }

  async delete(name: SecretName): Promise<boolean> {
    try {
      await rm(join(this.dir, name));
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw new ConfigurationError(
        `cannot remove the secret ${name} in ${this.dir}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`,
      );
    }
  }
}

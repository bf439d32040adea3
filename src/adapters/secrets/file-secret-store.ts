import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigurationError } from '../../shared/contract/errors.ts';
import { rememberSecret } from './secret-redactor.ts';
import type { SecretName, SecretStore } from './secret-store.ts';

// A key file is a few hundred bytes; a bigger one is the wrong file.
const MAX_BYTES = 4096;

/**
 * Secrets from a mounted directory, one file per secret named after it (a Kubernetes Secret
 * volume: `<dir>/signing-key`). Read-only: the orchestrator owns the files. Surrounding
 * whitespace is dropped (editors add a newline).
 */
export class FileSecretStore implements SecretStore {
  readonly kind = 'file';
  readonly describe: string;
  private readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
    this.describe = `files in ${dir}`;
  }

  async get(name: SecretName): Promise<string | null> {
    const path = join(this.dir, name);
    let size: number;
    try {
      size = (await stat(path)).size;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new ConfigurationError(
        `cannot read the secret ${name} in ${this.dir}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`,
      );
    }
    if (size > MAX_BYTES)
      throw new ConfigurationError(`the secret file ${path} is ${size} bytes: not a key (at most ${MAX_BYTES})`);
    const value = (await readFile(path, 'utf8')).trim();
    if (!value) return null;
    rememberSecret(value);
    return value;
  }

  async set(name: SecretName): Promise<void> {
    throw new ConfigurationError(`mounted secrets are read-only: update the secret ${name} where it is managed`);
  }

  async delete(name: SecretName): Promise<boolean> {
    throw new ConfigurationError(`mounted secrets are read-only: remove the secret ${name} where it is managed`);
  }
}

import { ConfigurationError } from '../../shared/contract/errors.ts';
import { DirSecretStore } from './dir-secret-store.ts';
import { EnvSecretStore } from './env-secret-store.ts';
import { FileSecretStore } from './file-secret-store.ts';
import { KEYCHAIN_SERVICE, KeychainSecretStore } from './keychain-secret-store.ts';
import type { SecretStore } from './secret-store.ts';

/**
 * The store a `--secrets` option names: `keychain`, `env`, `file:<dir>` (a mounted secret
 * directory, read-only) or `dir:<dir>` (a folder HyperDesk writes, one 0600 file per secret).
 * `persistentKeychain` refuses a Linux keychain that would keep keys in memory only (see
 * {@link KeychainSecretStore}); the Settings panel, which writes keys, asks for it.
 */
export function openSecretStore(spec: string, options: { persistentKeychain?: boolean } = {}): SecretStore {
  if (spec === 'keychain') return new KeychainSecretStore(KEYCHAIN_SERVICE, options.persistentKeychain ?? false);
  if (spec === 'env') return new EnvSecretStore();
  if (spec.startsWith('file:') && spec.length > 5) return new FileSecretStore(spec.slice(5));
  if (spec.startsWith('dir:') && spec.length > 4) return new DirSecretStore(spec.slice(4));
  throw new ConfigurationError(`unknown secret store "${spec}": use keychain, env, file:<dir> or dir:<dir>`);
}

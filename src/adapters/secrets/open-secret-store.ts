import { ConfigurationError } from '../../shared/contract/errors.ts';
import { EnvSecretStore } from './env-secret-store.ts';
import { FileSecretStore } from './file-secret-store.ts';
import { KeychainSecretStore } from './keychain-secret-store.ts';
import type { SecretStore } from './secret-store.ts';

/**
 * The store a `--secrets` option names: `keychain`, `env`, or `file:<dir>` (a mounted
 * secret directory).
 */
export function openSecretStore(spec: string): SecretStore {
  if (spec === 'keychain') return new KeychainSecretStore();
  if (spec === 'env') return new EnvSecretStore();
  if (spec.startsWith('file:') && spec.length > 5) return new FileSecretStore(spec.slice(5));
  throw new ConfigurationError(`unknown secret store "${spec}": use keychain, env or file:<dir>`);
}

import type { SecretName } from '../../shared/contract/settings.ts';

// The names are part of the contract (the Settings panel shows their status); one definition.
export { SecretNameSchema, type SecretName } from '../../shared/contract/settings.ts';

/**
 * Where keys live: the OS keychain on a desktop, an environment variable or a mounted file on
 * a server. Values never leave an implementation except through `get`, and no message an
 * implementation produces contains one.
 */
export interface SecretStore {
  /** `keychain`, `env` or `file`: for messages ("no signing key in the OS keychain"). */
  readonly kind: string;
  /** Where, in words, for messages and `hyperdesk keys status`. */
  readonly describe: string;
  get(name: SecretName): Promise<string | null>;
  /** Stores a value; stores that are read-only (env, mounted files) throw a ConfigurationError. */
  set(name: SecretName, value: string): Promise<void>;
  /** Removes a value; false when there was none. */
  delete(name: SecretName): Promise<boolean>;
}

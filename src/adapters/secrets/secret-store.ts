import { z } from 'zod';

/** The secrets HyperDesk keeps. The account address is not one: it is public. */
export const SecretNameSchema = z.enum(['signing-key', 'anthropic-api-key']);
/** See {@link SecretNameSchema}. */
export type SecretName = z.infer<typeof SecretNameSchema>;

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

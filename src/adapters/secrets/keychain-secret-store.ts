import { Entry, type EntryOptions } from '@napi-rs/keyring';
import { ConfigurationError } from '../../shared/contract/errors.ts';
import { rememberSecret } from './secret-redactor.ts';
import type { SecretName, SecretStore } from './secret-store.ts';

/** The keychain service name entries are filed under. */
export const KEYCHAIN_SERVICE = 'HyperDesk';

/**
 * Secrets in the OS keychain (macOS Keychain, Windows Credential Manager, the Secret Service
 * on Linux) through @napi-rs/keyring. When the platform store cannot be reached (a Linux
 * server without a Secret Service, a locked keychain) every call throws a ConfigurationError
 * saying so and pointing at the env and file stores.
 */
export class KeychainSecretStore implements SecretStore {
  readonly kind = 'keychain';
  readonly describe: string;
  private readonly service: string;
  private readonly options: EntryOptions | undefined;

  /**
   * @param persistent On Linux, require the Secret Service: without it @napi-rs/keyring falls
   * back to the kernel keyring, which keeps a key in memory only (lost at logout or reboot), so
   * a key saved from the Settings panel would seem stored and then vanish. With `persistent`,
   * such a machine gets the "not available" error instead. Ignored on macOS and Windows.
   */
  constructor(service: string = KEYCHAIN_SERVICE, persistent = false) {
    this.service = service;
    this.describe = `the OS keychain (service "${service}")`;
    this.options = persistent ? { linux: { store: 'secret-service' } } : undefined;
  }

  async get(name: SecretName): Promise<string | null> {
    const value = this.call(name, (entry) => entry.getPassword());
    if (!value) return null;
    rememberSecret(value);
    return value;
  }

  async set(name: SecretName, value: string): Promise<void> {
    rememberSecret(value);
    this.call(name, (entry) => entry.setPassword(value));
  }

  async delete(name: SecretName): Promise<boolean> {
    return this.call(name, (entry) => entry.deletePassword());
  }

  private call<T>(name: SecretName, work: (entry: Entry) => T): T {
    try {
      return work(new Entry(this.service, name, this.options));
    } catch (error) {
      // The platform's message describes the store, never the value; keep only its first line.
      const reason = ((error as Error).message ?? String(error)).split('\n')[0];
      throw new ConfigurationError(
        `the OS keychain is not available (${reason}); on a server use --secrets env (HYPERDESK_SIGNING_KEY), file:<dir> (mounted) or dir:<dir> (written by HyperDesk)`,
      );
    }
  }
}

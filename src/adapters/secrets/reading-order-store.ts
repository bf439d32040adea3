import type { SecretName, SecretStore } from './secret-store.ts';

/**
 * Reads a key from the first store that has it, writes to the last one. The engine reads keys
 * this way so that a process started with `HYPERDESK_SIGNING_KEY`/`ANTHROPIC_API_KEY` keeps
 * working as before, while a key saved in the Settings panel (the host's own store) is used
 * without a restart or an environment variable.
 */
export class ReadingOrderStore implements SecretStore {
  readonly kind: string;
  readonly describe: string;
  private readonly stores: readonly SecretStore[];
  private readonly writable: SecretStore;

  constructor(stores: readonly [SecretStore, ...SecretStore[]]) {
    this.stores = stores;
    this.writable = stores[stores.length - 1] ?? stores[0];
    this.kind = this.writable.kind;
    this.describe = stores.map((s) => s.describe).join(', then ');
  }

  async get(name: SecretName): Promise<string | null> {
    let firstError: unknown = null;
    for (const store of this.stores) {
      try {
        const value = await store.get(name);
        if (value !== null) return value;
      } catch (error) {
        // An unreachable keychain must not hide a key another store has; report it only if none has.
        firstError ??= error;
      }
    }
    if (firstError !== null) throw firstError;
    return null;
  }

  set(name: SecretName, value: string): Promise<void> {
    return this.writable.set(name, value);
  }

  delete(name: SecretName): Promise<boolean> {
    return this.writable.delete(name);
  }
}

import { ConfigurationError } from '../../shared/contract/errors.ts';
import { rememberSecret } from './secret-redactor.ts';
import type { SecretName, SecretStore } from './secret-store.ts';

/** The environment variable of each secret. */
export const SECRET_ENV: Readonly<Record<SecretName, string>> = {
  'signing-key': 'HYPERDESK_SIGNING_KEY',
  'anthropic-api-key': 'ANTHROPIC_API_KEY',
};

/** Secrets from environment variables (a container's injected secrets); read-only. */
export class EnvSecretStore implements SecretStore {
  readonly kind = 'env';
  readonly describe = 'environment variables';
  private readonly env: Readonly<Record<string, string | undefined>>;

  constructor(env: Readonly<Record<string, string | undefined>> = process.env) {
    this.env = env;
  }

  async get(name: SecretName): Promise<string | null> {
    const value = this.env[SECRET_ENV[name]]?.trim();
    if (!value) return null;
    rememberSecret(value);
    return value;
  }

  async set(name: SecretName): Promise<void> {
    throw new ConfigurationError(
      `environment variables are read-only here: set ${SECRET_ENV[name]} where the process starts`,
    );
  }

  async delete(name: SecretName): Promise<boolean> {
    throw new ConfigurationError(
      `environment variables are read-only here: unset ${SECRET_ENV[name]} where the process starts`,
    );
  }
}

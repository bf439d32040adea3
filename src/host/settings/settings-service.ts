import type { Database } from 'better-sqlite3';
import { DEFAULT_PRICING } from '../../adapters/learning/claude/claude-pricing.ts';
import { DEFAULT_CLAUDE_MODEL } from '../../adapters/learning/claude/claude-options.ts';
import type { SecretStore } from '../../adapters/secrets/secret-store.ts';
import { SettingsRepository } from '../../adapters/sqlite/settings-repository.ts';
import type { ComponentContext, EngineComponent } from '../../engine/kernel/kernel.ts';
import { ValidationError } from '../../shared/contract/errors.ts';
import {
  SECRET_NAMES,
  SettingsSchema,
  type SecretName,
  type SecretStatus,
  type Settings,
  type SettingsPatch,
  type SettingsView,
} from '../../shared/contract/settings.ts';
import { describeIssues } from '../../shared/contract/validation.ts';
import { checkDataDir } from './data-dir-check.ts';

// Stores the process can only read: their `set` and `delete` throw, saying where to change them.
const READ_ONLY_STORES = new Set(['env', 'file']);

/** Options of {@link SettingsService}. */
export interface SettingsServiceOptions {
  readonly db: Database;
  /** Where the keys are written and looked up (the OS keychain on a desktop). */
  readonly secrets: SecretStore;
  /** The data folder the engine runs on (null for an in-memory store). */
  readonly dataDirInUse: string | null;
  /**
   * The database of the default data folder when the engine runs on another one: the data
   * folder choice is read from there at start, so it is read and written there. Absent: `db`.
   */
  readonly dataDirHomeDb?: Database;
}

/**
 * Serves the Settings panel: `GetSettings`, `UpdateSettings` (validated as a whole, saved in
 * one transaction), `SetSecret` and `DeleteSecret` (through the secret store only: a key is
 * never written to the database, echoed, logged or put in an error), publishing
 * `SettingsChanged` after each change. Other services read the saved settings with
 * `readSettings(db)`.
 */
export class SettingsService implements EngineComponent {
  readonly name = 'settings';
  private readonly options: SettingsServiceOptions;
  private readonly repository: SettingsRepository;
  /** Where the data folder choice is kept (see {@link SettingsServiceOptions.dataDirHomeDb}). */
  private readonly home: SettingsRepository | null;
  private context: ComponentContext | null = null;

  constructor(options: SettingsServiceOptions) {
    this.options = options;
    this.repository = new SettingsRepository(options.db);
    this.home = options.dataDirHomeDb ? new SettingsRepository(options.dataDirHomeDb) : null;
  }

  start(context: ComponentContext): void {
    this.context = context;
    context.handle('GetSettings', () => this.view());
    context.handle('UpdateSettings', async (patch) => {
      await this.update(patch);
      return this.changed();
    });
    context.handle('SetSecret', async ({ name, value }) => {
      // A read-only store (env, mounted files) or a missing keychain service throws a
      // ConfigurationError saying where keys are set instead; the value is in no message.
      await this.options.secrets.set(name, value.trim());
      await this.changed();
      return { name, stored: true as const };
    });
    context.handle('DeleteSecret', async ({ name }) => {
      const deleted = await this.options.secrets.delete(name);
      await this.changed();
      return { name, deleted };
    });
  }

  stop(): void {
    this.context = null;
  }

  /** The settings, the secrets' status and where they are kept. */
  async view(): Promise<SettingsView> {
    const { settings: own, problems } = this.repository.read();
    const settings = this.home ? { ...own, dataDir: this.home.read().settings.dataDir } : own;
    const secrets = {} as Record<SecretName, SecretStatus>;
    for (const name of SECRET_NAMES) secrets[name] = await this.status(name);
    const store = this.options.secrets;
    return {
      settings,
      defaultClaudeModel: DEFAULT_CLAUDE_MODEL,
      claudeModels: Object.keys(DEFAULT_PRICING),
      secrets,
      secretStore: { kind: store.kind, describe: store.describe, writable: !READ_ONLY_STORES.has(store.kind) },
      dataDirInUse: this.options.dataDirInUse,
      problems: problems.map((p) => `${p}: the default is shown until the settings are saved again`),
    };
  }

  private async update(patch: SettingsPatch): Promise<void> {
    const current = this.repository.read().settings;
    const next = { ...current, ...patch, risk: { ...current.risk, ...patch.risk } };
    // The parts were checked alone by the contract; the whole (merged risk rules) is checked here.
    const parsed = SettingsSchema.safeParse(next);
    if (!parsed.success) throw new ValidationError(describeIssues('UpdateSettings', parsed.error));
    const settings: Settings = parsed.data;
    if (settings.claudeModel !== null && !Object.hasOwn(DEFAULT_PRICING, settings.claudeModel)) {
      throw new ValidationError(
        `claudeModel: no prices known for "${settings.claudeModel}" (learning keeps a budget); choose one of ${Object.keys(DEFAULT_PRICING).join(', ')}`,
      );
    }
    if (patch.dataDir) await checkDataDir(patch.dataDir);
    const at = this.context?.clock.now() ?? 0;
    this.repository.write(settings, at);
    if (this.home && patch.dataDir !== undefined) {
      this.home.write({ ...this.home.read().settings, dataDir: patch.dataDir }, at);
    }
  }

  /** Publishes the new view and answers it. */
  private async changed(): Promise<SettingsView> {
    const view = await this.view();
    const context = this.context;
    if (context) context.bus.publish({ event: 'SettingsChanged', payload: { ...view, at: context.clock.now() } });
    return view;
  }

  private async status(name: SecretName): Promise<SecretStatus> {
    try {
      // The value is only compared with null and dropped.
      return (await this.options.secrets.get(name)) === null ? 'unset' : 'set';
    } catch {
      return 'unavailable';
    }
  }
}

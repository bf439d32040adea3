import type { Database } from 'better-sqlite3';
import { ConfigurationError } from '../../shared/contract/errors.ts';
import { SettingsSchema, type Settings } from '../../shared/contract/settings.ts';

/** The name of each setting, as its row is keyed. */
export type SettingKey = keyof Settings;

const KEYS = Object.keys(SettingsSchema.shape) as SettingKey[];

/** The settings read from the store, and the rows that could not be used. */
export interface StoredSettings {
  /** Every setting: the stored value, or its default when it has no row or a bad one. */
  readonly settings: Settings;
  /** `field.path: reason` per row that no longer validates (its default is in `settings`). */
  readonly problems: readonly string[];
}

/**
 * The settings table (`settings`, one JSON row per setting). Every value is checked with the
 * contract's schema on the way in and on the way out; secrets are not settings and have no
 * place here.
 */
export class SettingsRepository {
  private readonly db: Database;

  constructor(db: Database) {
    this.db = db;
  }

  /** Every setting, with defaults for those never saved and for rows that no longer validate. */
  read(): StoredSettings {
    const rows = this.db.prepare('SELECT key, value FROM settings').all() as { key: string; value: string }[];
    const raw: Record<string, unknown> = {};
    const problems: string[] = [];
    for (const row of rows) {
      if (!(KEYS as string[]).includes(row.key)) continue; // a setting of a newer build
      const key = row.key as SettingKey;
      const field = SettingsSchema.shape[key];
      const parsed = field.safeParse(JSON.parse(row.value));
      if (parsed.success) raw[key] = parsed.data;
      else problems.push(parsed.error.issues.map((i) => `${[key, ...i.path].join('.')}: ${i.message}`).join('; '));
    }
    // Only valid fields are in `raw`; the schema fills in the defaults of the others.
    return { settings: SettingsSchema.parse(raw), problems };
  }

  /**
   * Saves `settings` (validated again here: nothing invalid is ever stored) in one
   * transaction, so a reader sees all of an update or none of it.
   */
  write(settings: Settings, at: number): void {
    const checked = SettingsSchema.parse(settings);
    const upsert = this.db.prepare(
      `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
    );
    this.db.transaction(() => {
      for (const key of KEYS) upsert.run(key, JSON.stringify(checked[key]), at);
    })();
  }
}

/**
 * The trader's settings from the engine's database, typed and validated: network, account
 * address, risk rules (`RiskRules`, ready for `RiskManager`), fees, Claude model (null: the
 * learning default) and the data folder. Settings never saved have their defaults (testnet,
 * the default risk rules, venue fees). Call it where a session or a job starts, so a change
 * made in the Settings panel applies to the next one.
 *
 * @throws ConfigurationError naming the setting when a stored value no longer validates: a
 * trading session must not start on a limit guessed in place of the trader's.
 */
export function readSettings(db: Database): Settings {
  const { settings, problems } = new SettingsRepository(db).read();
  if (problems.length > 0) {
    throw new ConfigurationError(
      `settings: ${problems.join('; ')} (a stored setting no longer validates: save it again in the Settings panel)`,
    );
  }
  return settings;
}

import { Decimal } from 'decimal.js';
import { z } from 'zod';
import { DecimalStringSchema } from '../values/decimal-values.ts';
import { RiskRulesPatchSchema, RiskRulesSchema } from './risk-rules.ts';

/**
 * The trader's settings: which Hyperliquid to talk to, the account, the hard risk limits,
 * fees, the Claude model and the data folder, kept in the engine's store; and the two keys,
 * kept in the engine's secret store (the OS keychain on a desktop) and never sent back: the
 * settings only say whether each is set.
 */

/** The secrets HyperDesk keeps. The account address is not one: it is public. */
export const SecretNameSchema = z.enum(['signing-key', 'anthropic-api-key']);
/** See {@link SecretNameSchema}. */
export type SecretName = z.infer<typeof SecretNameSchema>;

/** Every secret name, in the order the Settings panel shows them. */
export const SECRET_NAMES: readonly SecretName[] = SecretNameSchema.options;

/**
 * Whether a secret is in the secret store: `set`, `unset`, or `unavailable` when the store
 * cannot be read (no keychain service on this machine, a locked keychain).
 */
export const SecretStatusSchema = z.enum(['set', 'unset', 'unavailable']);
/** See {@link SecretStatusSchema}. */
export type SecretStatus = z.infer<typeof SecretStatusSchema>;

/** An Ethereum-style address: 0x and 40 hex digits (the account that holds the funds). */
export const AccountAddressSchema = z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'must be 0x followed by 40 hex digits');

/** An http(s) URL (a proxy, a local hl-sim). */
export const HttpUrlSchema = z
  .string()
  .max(2048)
  .refine((text) => {
    try {
      const url = new URL(text);
      return url.protocol === 'http:' || url.protocol === 'https:';
    } catch {
      return false;
    }
  }, 'must be an http:// or https:// URL');

/** Which Hyperliquid the trading services talk to. Testnet unless the trader chooses. */
export const NetworkSettingSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('testnet') }).strict(),
  z.object({ kind: z.literal('mainnet') }).strict(),
  z.object({ kind: z.literal('custom'), apiUrl: HttpUrlSchema }).strict(),
]);
/** See {@link NetworkSettingSchema}. */
export type NetworkSetting = z.infer<typeof NetworkSettingSchema>;

/** Lowest and highest fee in basis points, as the simulated venue accepts fee rates (-0.001..0.01). */
export const FEE_BPS_RANGE = { min: '-10', max: '100' } as const;

/** A fee in basis points of notional (4.5 = 0.045 %), as a decimal string; negative is a rebate. */
export const FeeBpsSchema = DecimalStringSchema.refine(
  // A string that is not a decimal was already reported by the regex (zod runs both checks).
  (s) =>
    !DecimalStringSchema.safeParse(s).success ||
    (new Decimal(s).gte(FEE_BPS_RANGE.min) && new Decimal(s).lte(FEE_BPS_RANGE.max)),
  `must be between ${FEE_BPS_RANGE.min} and ${FEE_BPS_RANGE.max} bps`,
);

/** Fees: the venue's own (the account's tier, read from Hyperliquid), or fixed maker/taker bps. */
export const FeeSettingSchema = z.discriminatedUnion('source', [
  z.object({ source: z.literal('venue') }).strict(),
  z.object({ source: z.literal('custom'), makerBps: FeeBpsSchema, takerBps: FeeBpsSchema }).strict(),
]);
/** See {@link FeeSettingSchema}. */
export type FeeSetting = z.infer<typeof FeeSettingSchema>;

/** A Claude model id (`claude-sonnet-5-5`); the engine also checks it has known prices. */
export const ClaudeModelSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{0,127}$/, 'must be a model id like claude-sonnet-5-5');

/** An absolute folder path (POSIX `/…`, Windows `C:\…` or `\\server\…`). */
export const DataDirSchema = z
  .string()
  .max(4096)
  .regex(/^(\/|[A-Za-z]:[\\/]|\\\\)/, 'must be an absolute folder path');

/** The settings as stored: every field has a value (defaults filled in). */
export const SettingsSchema = z
  .object({
    network: NetworkSettingSchema.default({ kind: 'testnet' }),
    /** The account trading acts for; null until the trader enters it. */
    accountAddress: AccountAddressSchema.nullable().default(null),
    risk: RiskRulesSchema.default(RiskRulesSchema.parse({})),
    fees: FeeSettingSchema.default({ source: 'venue' }),
    /** Null: the learning code's default model. */
    claudeModel: ClaudeModelSchema.nullable().default(null),
    /** Folder for the database and data files from the next start; null: the default one. */
    dataDir: DataDirSchema.nullable().default(null),
  })
  .strict();
/** See {@link SettingsSchema}. */
export type Settings = z.output<typeof SettingsSchema>;

/** Some settings to change; absent fields are left as they are, null resets a nullable one. */
export const SettingsPatchSchema = z
  .object({
    network: NetworkSettingSchema,
    accountAddress: AccountAddressSchema.nullable(),
    /** Only the rules given change; the result is checked as a whole. */
    risk: RiskRulesPatchSchema,
    fees: FeeSettingSchema,
    claudeModel: ClaudeModelSchema.nullable(),
    dataDir: DataDirSchema.nullable(),
  })
  .partial()
  .strict();
/** See {@link SettingsPatchSchema}. */
export type SettingsPatch = z.input<typeof SettingsPatchSchema>;

/** What the Settings panel shows: the settings, the secrets' status (never their values) and context. */
export const SettingsViewSchema = z.object({
  settings: SettingsSchema,
  /** The Claude model learning uses when `claudeModel` is null. */
  defaultClaudeModel: z.string(),
  /** Models with known prices (the learning code keeps a budget, so it needs them). */
  claudeModels: z.array(z.string()),
  /** Whether each secret is set. */
  secrets: z.record(SecretNameSchema, SecretStatusSchema),
  /** Where the keys are kept. */
  secretStore: z.object({
    /** `keychain`, `dir`, `env` or `file`. */
    kind: z.string(),
    /** In words ("the OS keychain (service "HyperDesk")"). */
    describe: z.string(),
    /** False for stores the process cannot write (environment variables, mounted files). */
    writable: z.boolean(),
  }),
  /** The data folder this engine runs on now (null for an in-memory store). */
  dataDirInUse: z.string().nullable(),
  /** Stored settings that no longer validate and show their defaults until saved again. */
  problems: z.array(z.string()),
});
/** See {@link SettingsViewSchema}. */
export type SettingsView = z.output<typeof SettingsViewSchema>;

/** Longest secret accepted (an Anthropic key is about 110 characters, a private key 66). */
export const MAX_SECRET_LENGTH = 1024;

/**
 * Checks a secret's value for its name without ever putting the value into a message:
 * the signing key is a 32-byte hex private key (0x optional), the API key a single token.
 * Returns the problem, or null when the value is fine.
 */
export function secretValueProblem(name: SecretName, value: string): string | null {
  if (value.length === 0) return 'is empty';
  if (value.length > MAX_SECRET_LENGTH) return `is longer than ${MAX_SECRET_LENGTH} characters`;
  if (name === 'signing-key')
    return /^(0x)?[0-9a-fA-F]{64}$/.test(value) ? null : 'must be 64 hex digits (0x optional): a private key';
  return /^[\x21-\x7e]+$/.test(value) ? null : 'must be one token without spaces';
}

/** The commands of the Settings panel. */
export const SettingsCommands = {
  /** The settings, the secrets' status and the store they are kept in. */
  GetSettings: {
    request: z.object({}).strict(),
    response: SettingsViewSchema,
  },
  /**
   * Changes some settings (all or nothing: one bad field refuses the whole update with
   * `VALIDATION` naming it); answers with the settings as they now are and publishes
   * `SettingsChanged`. A new data folder is used from the next start.
   */
  UpdateSettings: {
    request: SettingsPatchSchema,
    response: SettingsViewSchema,
  },
  /**
   * Stores a secret in the engine's secret store. The value is never echoed, logged or kept
   * in the database; a store that cannot be written (no keychain service, environment
   * variables) answers `CONFIGURATION` saying why.
   */
  SetSecret: {
    request: z
      .object({ name: SecretNameSchema, value: z.string().max(MAX_SECRET_LENGTH) })
      .strict()
      .superRefine((r, ctx) => {
        const problem = secretValueProblem(r.name, r.value.trim());
        if (problem) ctx.addIssue({ code: 'custom', message: `${r.name} ${problem}`, path: ['value'] });
      }),
    response: z.object({ name: SecretNameSchema, stored: z.literal(true) }),
  },
  /** Removes a secret from the engine's secret store; `deleted` is false when there was none. */
  DeleteSecret: {
    request: z.object({ name: SecretNameSchema }).strict(),
    response: z.object({ name: SecretNameSchema, deleted: z.boolean() }),
  },
} as const satisfies Record<string, { request: z.ZodType; response: z.ZodType }>;

/** The events of the settings. */
export const SettingsEvents = {
  /** Settings or a secret's status changed (from any window): the new view, never a secret's value. */
  SettingsChanged: SettingsViewSchema.extend({ at: z.number().int() }),
} as const satisfies Record<string, z.ZodType>;

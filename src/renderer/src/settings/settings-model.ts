import type { z } from 'zod';
import { RiskRulesPatchSchema } from '../../../shared/contract/risk-rules.ts';
import {
  AccountAddressSchema,
  ClaudeModelSchema,
  DataDirSchema,
  FeeBpsSchema,
  HttpUrlSchema,
  secretValueProblem,
  type SecretName,
  type SecretStatus,
  type Settings,
  type SettingsPatch,
} from '../../../shared/contract/settings.ts';

/*
 * The Settings panel's pure logic: the form as the trader types it (strings), the settings it
 * came from, and its validation with the contract's own schemas, so the panel refuses exactly
 * what the engine would and says which field is wrong before anything is sent.
 */

/** The editable settings as typed (every field a string; '' for "default" where allowed). */
export interface SettingsForm {
  readonly network: 'testnet' | 'mainnet' | 'custom';
  readonly apiUrl: string;
  readonly accountAddress: string;
  readonly riskPercent: string;
  readonly dailyLossLimit: string;
  readonly maxLeverage: string;
  readonly maxPositionNotional: string;
  readonly maxOpenPositions: string;
  readonly fees: 'venue' | 'custom';
  readonly makerBps: string;
  readonly takerBps: string;
  /** '' for the learning code's default model. */
  readonly claudeModel: string;
  /** '' for the default data folder. */
  readonly dataDir: string;
}

/** A field of the form. */
export type SettingsField = keyof SettingsForm;

/** One message per invalid field. */
export type SettingsErrors = Partial<Record<SettingsField, string>>;

/** The form showing `settings`. */
export function formFromSettings(settings: Settings): SettingsForm {
  const { network, risk, fees } = settings;
  return {
    network: network.kind,
    apiUrl: network.kind === 'custom' ? network.apiUrl : '',
    accountAddress: settings.accountAddress ?? '',
    riskPercent: String(risk.riskPercent),
    dailyLossLimit: risk.dailyLossLimit,
    maxLeverage: String(risk.maxLeverage),
    maxPositionNotional: risk.maxPositionNotional,
    maxOpenPositions: String(risk.maxOpenPositions),
    fees: fees.source,
    makerBps: fees.source === 'custom' ? fees.makerBps : '',
    takerBps: fees.source === 'custom' ? fees.takerBps : '',
    claudeModel: settings.claudeModel ?? '',
    dataDir: settings.dataDir ?? '',
  };
}

/** The first problem zod finds, as a sentence fragment ("must be …"). */
function problem(schema: z.ZodType, value: unknown): string | null {
  const result = schema.safeParse(value);
  return result.success ? null : (result.error.issues[0]?.message ?? 'is invalid');
}

/** A number as typed: plain decimal notation only (no "1e3", no "0x10", no blanks). */
function parseNumber(text: string): number | null {
  const t = text.trim();
  return /^-?\d+(\.\d+)?$/.test(t) ? Number(t) : null;
}

const RISK = RiskRulesPatchSchema.shape;

/**
 * Checks the whole form and builds the `UpdateSettings` payload: every field is sent (the
 * panel saves what it shows); `patch` is null when any field is wrong, and `errors` names each.
 */
export function validateSettingsForm(form: SettingsForm): { patch: SettingsPatch | null; errors: SettingsErrors } {
  const errors: SettingsErrors = {};
  const check = (field: SettingsField, message: string | null) => {
    if (message !== null) errors[field] = message;
  };
  const numberField = (field: 'riskPercent' | 'maxLeverage' | 'maxOpenPositions'): number => {
    const n = parseNumber(form[field]);
    if (n === null) {
      errors[field] = 'must be a number';
      return NaN;
    }
    check(field, problem(RISK[field].unwrap(), n));
    return n;
  };
  const decimalField = (field: 'dailyLossLimit' | 'maxPositionNotional'): string => {
    const text = form[field].trim();
    check(field, problem(RISK[field].unwrap(), text));
    return text;
  };

  const apiUrl = form.apiUrl.trim();
  if (form.network === 'custom')
    check('apiUrl', apiUrl === '' ? 'is required for a custom API' : problem(HttpUrlSchema, apiUrl));
  const address = form.accountAddress.trim();
  if (address !== '') check('accountAddress', problem(AccountAddressSchema, address));
  const risk = {
    riskPercent: numberField('riskPercent'),
    dailyLossLimit: decimalField('dailyLossLimit'),
    maxLeverage: numberField('maxLeverage'),
    maxPositionNotional: decimalField('maxPositionNotional'),
    maxOpenPositions: numberField('maxOpenPositions'),
  };
  const makerBps = form.makerBps.trim();
  const takerBps = form.takerBps.trim();
  if (form.fees === 'custom') {
    check('makerBps', makerBps === '' ? 'is required' : problem(FeeBpsSchema, makerBps));
    check('takerBps', takerBps === '' ? 'is required' : problem(FeeBpsSchema, takerBps));
  }
  const claudeModel = form.claudeModel.trim();
  if (claudeModel !== '') check('claudeModel', problem(ClaudeModelSchema, claudeModel));
  const dataDir = form.dataDir.trim();
  if (dataDir !== '') check('dataDir', problem(DataDirSchema, dataDir));

  if (Object.keys(errors).length > 0) return { patch: null, errors };
  return {
    errors,
    patch: {
      network: form.network === 'custom' ? { kind: 'custom', apiUrl } : { kind: form.network },
      accountAddress: address === '' ? null : address,
      risk,
      fees: form.fees === 'custom' ? { source: 'custom', makerBps, takerBps } : { source: 'venue' },
      claudeModel: claudeModel === '' ? null : claudeModel,
      dataDir: dataDir === '' ? null : dataDir,
    },
  };
}

/** True when the form differs from the settings it was made from. */
export function isFormDirty(form: SettingsForm, settings: Settings): boolean {
  const saved = formFromSettings(settings);
  return (Object.keys(saved) as SettingsField[]).some((k) => saved[k].trim() !== form[k].trim());
}

/** Labels of the secrets, as the panel names them. */
export const SECRET_LABELS: Readonly<Record<SecretName, string>> = {
  'signing-key': 'Hyperliquid signing (agent) key',
  'anthropic-api-key': 'Claude API key',
};

/** A secret's status in words: never anything about its value. */
export function secretStatusText(status: SecretStatus): string {
  if (status === 'set') return 'set';
  if (status === 'unset') return 'not set';
  return 'store unavailable';
}

/** Why a typed secret cannot be saved, naming the secret but never repeating the value; null when fine. */
export function secretInputProblem(name: SecretName, value: string): string | null {
  const message = secretValueProblem(name, value.trim());
  return message === null ? null : `${SECRET_LABELS[name]} ${message}`;
}

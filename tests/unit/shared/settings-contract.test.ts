import { describe, expect, it } from 'vitest';
import { SecretNameSchema as AdapterSecretNameSchema } from '../../../src/adapters/secrets/secret-store.ts';
import { RiskRulesSchema as EngineRiskRulesSchema } from '../../../src/engine/execution/risk-manager.ts';
import { Commands } from '../../../src/shared/contract/commands.ts';
import { Events } from '../../../src/shared/contract/events.ts';
import { DEFAULT_RISK_RULES, RiskRulesPatchSchema, RiskRulesSchema } from '../../../src/shared/contract/risk-rules.ts';
import { SettingsPatchSchema, SettingsSchema, secretValueProblem } from '../../../src/shared/contract/settings.ts';
import { describeIssues } from '../../../src/shared/contract/validation.ts';

const KEY = `0x${'ab12'.repeat(16)}`;

describe('settings contract', () => {
  it('has one definition of the risk rules and of the secret names', () => {
    expect(EngineRiskRulesSchema).toBe(RiskRulesSchema);
    expect(AdapterSecretNameSchema.options).toEqual(['signing-key', 'anthropic-api-key']);
    expect(RiskRulesSchema.parse({})).toEqual(DEFAULT_RISK_RULES);
    expect(RiskRulesSchema.parse({}).riskPercent).toBe(2);
  });

  it('defaults to testnet, the default risk rules, venue fees and the default model', () => {
    expect(SettingsSchema.parse({})).toEqual({
      network: { kind: 'testnet' },
      accountAddress: null,
      risk: DEFAULT_RISK_RULES,
      fees: { source: 'venue' },
      claudeModel: null,
      dataDir: null,
    });
  });

  it('leaves out of a patch what the trader did not send (no defaults filled in)', () => {
    expect(SettingsPatchSchema.parse({ risk: { maxLeverage: 3 } })).toEqual({ risk: { maxLeverage: 3 } });
    expect(RiskRulesPatchSchema.parse({})).toEqual({});
  });

  it('names the bad field of an update', () => {
    const bad = (payload: unknown) => {
      const result = Commands.UpdateSettings.request.safeParse(payload);
      if (result.success) throw new Error('accepted');
      return describeIssues('UpdateSettings', result.error);
    };
    expect(bad({ accountAddress: '0x123' })).toMatch(/accountAddress: must be 0x followed by 40 hex digits/);
    expect(bad({ risk: { riskPercent: 0 } })).toMatch(/risk\.riskPercent/);
    expect(bad({ risk: { maxOpenPositions: 1.5 } })).toMatch(/risk\.maxOpenPositions/);
    expect(bad({ network: { kind: 'custom', apiUrl: 'ftp://x' } })).toMatch(/network\.apiUrl: must be an http/);
    expect(bad({ fees: { source: 'custom', makerBps: '1', takerBps: '500' } })).toMatch(
      /fees\.takerBps: must be between -10 and 100 bps/,
    );
    expect(bad({ dataDir: 'relative/dir' })).toMatch(/dataDir: must be an absolute folder path/);
    expect(bad({ risk: { stopLoss: 1 } })).toMatch(/risk/);
  });

  it('checks a secret without ever putting its value into the message', () => {
    expect(secretValueProblem('signing-key', KEY)).toBeNull();
    expect(secretValueProblem('signing-key', KEY.slice(2))).toBeNull();
    expect(secretValueProblem('anthropic-api-key', 'sk-ant-api03-abcdef')).toBeNull();
    const wrong = `${KEY}zz`;
    const result = Commands.SetSecret.request.safeParse({ name: 'signing-key', value: wrong });
    expect(result.success).toBe(false);
    const message = describeIssues('SetSecret', result.error!);
    expect(message).toMatch(/value: signing-key must be 64 hex digits/);
    expect(message.toLowerCase()).not.toContain(KEY.slice(2, 20).toLowerCase());
    expect(Commands.SetSecret.request.safeParse({ name: 'anthropic-api-key', value: 'two words' }).success).toBe(false);
    expect(Commands.SetSecret.request.safeParse({ name: 'password', value: 'x'.repeat(10) }).success).toBe(false);
  });

  it('has a SettingsChanged event carrying the view, not values', () => {
    expect(Object.keys(Events)).toContain('SettingsChanged');
    const shape = Events.SettingsChanged.shape;
    expect(Object.keys(shape.secrets.parse({ 'signing-key': 'set', 'anthropic-api-key': 'unset' }))).toHaveLength(2);
    expect(shape.secrets.safeParse({ 'signing-key': KEY }).success).toBe(false);
  });
});

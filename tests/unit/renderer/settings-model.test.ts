import { describe, expect, it } from 'vitest';
import { SettingsSchema } from '../../../src/shared/contract/settings.ts';
import {
  formFromSettings,
  isFormDirty,
  secretInputProblem,
  secretStatusText,
  validateSettingsForm,
  type SettingsForm,
} from '../../../src/renderer/src/settings/settings-model.ts';

const DEFAULTS = SettingsSchema.parse({});
const KEY = `0x${'9f'.repeat(32)}`;

function form(patch: Partial<SettingsForm> = {}): SettingsForm {
  return { ...formFromSettings(DEFAULTS), ...patch };
}

describe('settings form', () => {
  it('shows the defaults: testnet, 2 % risk, venue fees, default model and folder', () => {
    expect(formFromSettings(DEFAULTS)).toEqual({
      network: 'testnet',
      apiUrl: '',
      accountAddress: '',
      riskPercent: '2',
      dailyLossLimit: '500',
      maxLeverage: '5',
      maxPositionNotional: '1000000',
      maxOpenPositions: '3',
      fees: 'venue',
      makerBps: '',
      takerBps: '',
      claudeModel: '',
      dataDir: '',
    });
  });

  it('turns a valid form into the update, trimmed, empty optional fields as null', () => {
    const { patch, errors } = validateSettingsForm(
      form({
        network: 'custom',
        apiUrl: ' http://127.0.0.1:9000 ',
        accountAddress: `0x${'A'.repeat(40)}`,
        riskPercent: '1.5',
        dailyLossLimit: '250.50',
        maxLeverage: '3',
        maxPositionNotional: '20000',
        maxOpenPositions: '2',
        fees: 'custom',
        makerBps: '1.5',
        takerBps: '4.5',
        claudeModel: 'claude-haiku-4-5',
        dataDir: '/srv/hyperdesk',
      }),
    );
    expect(errors).toEqual({});
    expect(patch).toEqual({
      network: { kind: 'custom', apiUrl: 'http://127.0.0.1:9000' },
      accountAddress: `0x${'A'.repeat(40)}`,
      risk: {
        riskPercent: 1.5,
        dailyLossLimit: '250.50',
        maxLeverage: 3,
        maxPositionNotional: '20000',
        maxOpenPositions: 2,
      },
      fees: { source: 'custom', makerBps: '1.5', takerBps: '4.5' },
      claudeModel: 'claude-haiku-4-5',
      dataDir: '/srv/hyperdesk',
    });
    expect(validateSettingsForm(form()).patch).toMatchObject({
      accountAddress: null,
      claudeModel: null,
      dataDir: null,
    });
  });

  it('names every bad field with the reason, and sends nothing', () => {
    const { patch, errors } = validateSettingsForm(
      form({
        network: 'custom',
        apiUrl: '',
        accountAddress: '0x12',
        riskPercent: '0',
        dailyLossLimit: '1e3',
        maxLeverage: 'five',
        maxPositionNotional: '',
        maxOpenPositions: '2.5',
        fees: 'custom',
        makerBps: '',
        takerBps: '101',
        dataDir: 'relative',
      }),
    );
    expect(patch).toBeNull();
    expect(errors).toEqual({
      apiUrl: 'is required for a custom API',
      accountAddress: 'must be 0x followed by 40 hex digits',
      riskPercent: expect.stringMatching(/0/),
      dailyLossLimit: 'must be a decimal string like "123.45"',
      maxLeverage: 'must be a number',
      maxPositionNotional: 'must be a decimal string like "123.45"',
      maxOpenPositions: expect.stringMatching(/int/i),
      makerBps: 'is required',
      takerBps: 'must be between -10 and 100 bps',
      dataDir: 'must be an absolute folder path',
    });
  });

  it('ignores the URL and fee fields of choices not taken', () => {
    const { errors } = validateSettingsForm(form({ network: 'mainnet', apiUrl: 'nope', fees: 'venue', takerBps: 'x' }));
    expect(errors).toEqual({});
  });

  it('knows when the form has unsaved edits', () => {
    expect(isFormDirty(form(), DEFAULTS)).toBe(false);
    expect(isFormDirty(form({ riskPercent: ' 2 ' }), DEFAULTS)).toBe(false);
    expect(isFormDirty(form({ riskPercent: '1' }), DEFAULTS)).toBe(true);
  });
});

describe('secrets in the panel', () => {
  it('says set / not set, never more', () => {
    expect(secretStatusText('set')).toBe('set');
    expect(secretStatusText('unset')).toBe('not set');
    expect(secretStatusText('unavailable')).toBe('store unavailable');
  });

  it('refuses a malformed key naming the key, not repeating it', () => {
    expect(secretInputProblem('signing-key', ` ${KEY} `)).toBeNull();
    const message = secretInputProblem('signing-key', `${KEY}0`);
    expect(message).toBe('Hyperliquid signing (agent) key must be 64 hex digits (0x optional): a private key');
    expect(secretInputProblem('anthropic-api-key', '')).toBe('Claude API key is empty');
  });
});

import { describe, expect, it } from 'vitest';
import { COMMAND_NAMES } from '../../../../src/shared/contract/commands.ts';
import type { ApiRole } from '../../../../src/server/auth/auth-config.ts';
import { Events } from '../../../../src/shared/contract/events.ts';
import {
  COMMAND_ROLES,
  requiredEventRole,
  requiredRole,
  requiredRoleFor,
  roleAllows,
} from '../../../../src/server/auth/command-roles.ts';

/**
 * The classification, written out: changing who may run a command must change this table.
 * Commands added to the contract later and not classified yet fall to admin (checked below).
 */
const EXPECTED: Readonly<Record<string, ApiRole>> = {
  GetEngineStatus: 'viewer',
  LoadCandles: 'viewer',
  QueryCandles: 'viewer',
  ListSeries: 'viewer',
  ListSamples: 'viewer',
  GetReplayState: 'viewer',
  QueryDetections: 'viewer',
  GetTradingState: 'viewer',
  ListLearnableFiles: 'viewer',
  ListRules: 'viewer',
  GetSourcePage: 'viewer',
  ListStrategies: 'viewer',
  GetSourceMedia: 'viewer',
  GetKeyframeImage: 'viewer',
  StartReplay: 'trader',
  ControlReplay: 'trader',
  StopReplay: 'trader',
  RunBacktest: 'trader',
  RunSweep: 'trader',
  RunWalkForward: 'trader',
  CancelBacktest: 'trader',
  StartTradingSession: 'trader',
  StartPaperSession: 'trader',
  StopPaperSession: 'trader',
  SubmitTicket: 'trader',
  CheckTicket: 'trader',
  ModifyOrder: 'trader',
  CancelOrder: 'trader',
  KillSwitch: 'trader',
  LearnFile: 'trader',
  CancelLearn: 'trader',
  SetRuleEnabled: 'trader',
  CreateStrategy: 'trader',
  CompileStrategy: 'trader',
  RunFeedback: 'trader',
  CancelFeedback: 'trader',
  ApproveSuggestion: 'trader',
  GetSettings: 'trader',
  UpdateSettings: 'admin',
  SetSecret: 'admin',
  DeleteSecret: 'admin',
};

describe('command roles', () => {
  it('classifies every command of the contract as written in the table', () => {
    const actual = Object.fromEntries(COMMAND_NAMES.map((name) => [name, requiredRole(name)]));
    for (const name of COMMAND_NAMES) {
      // Unclassified (newer) commands must need admin: fail closed.
      expect(actual[name], name).toBe(EXPECTED[name] ?? 'admin');
    }
    const explicit = [...COMMAND_ROLES.viewer, ...COMMAND_ROLES.trader, ...COMMAND_ROLES.admin];
    expect(new Set(explicit).size).toBe(explicit.length);
    expect(Object.fromEntries(explicit.map((name) => [name, requiredRole(name)]))).toEqual(EXPECTED);
  });

  it('lets read-only names through for viewers only when they are listed (no prefix rule)', () => {
    expect(requiredRole('GetEverything')).toBe('admin');
    expect(requiredRole('ListSecrets')).toBe('admin');
    expect(requiredRole('RunSomethingNew')).toBe('admin');
    expect(requiredRole('constructor')).toBe('admin');
    expect(requiredRole('__proto__')).toBe('admin');
  });

  it('orders the roles: admin ⊇ trader ⊇ viewer', () => {
    expect(roleAllows('viewer', 'QueryCandles')).toBe(true);
    expect(roleAllows('viewer', 'SubmitTicket')).toBe(false);
    expect(roleAllows('viewer', 'KillSwitch')).toBe(false);
    expect(roleAllows('trader', 'SubmitTicket')).toBe(true);
    expect(roleAllows('trader', 'QueryCandles')).toBe(true);
    expect(roleAllows('trader', 'SetSecret')).toBe(false);
    expect(roleAllows('admin', 'SetSecret')).toBe(true);
    expect(roleAllows('admin', 'SubmitTicket')).toBe(true);
  });

  it("keeps sessions on venues other than Hyperliquid's own for admins (the engine would connect there)", () => {
    const hl = { coin: 'BTC', apiUrl: 'https://api.hyperliquid-testnet.xyz' };
    expect(requiredRoleFor('StartPaperSession', hl)).toBe('trader');
    expect(requiredRoleFor('StartTradingSession', { mode: 'live', network: 'mainnet', coin: 'BTC' })).toBe('trader');
    expect(requiredRoleFor('StartPaperSession', { coin: 'BTC', apiUrl: 'http://10.0.0.5:8080' })).toBe('admin');
    expect(requiredRoleFor('StartTradingSession', { mode: 'paper', network: 'custom', coin: 'BTC' })).toBe('admin');
    expect(roleAllows('trader', 'StartPaperSession', { coin: 'BTC', apiUrl: 'http://169.254.169.254' })).toBe(false);
    expect(roleAllows('admin', 'StartPaperSession', { coin: 'BTC', apiUrl: 'http://127.0.0.1:7777' })).toBe(true);
    // Other commands ignore the payload.
    expect(requiredRoleFor('SubmitTicket', { apiUrl: 'http://x' })).toBe('trader');
  });

  it('pushes an event only to roles that could ask for what it carries', () => {
    // SettingsChanged is the GetSettings view: a viewer, refused GetSettings, must not get it
    // pushed instead. Every other event mirrors state a viewer reads with a viewer command.
    expect(requiredEventRole('SettingsChanged')).toBe(requiredRole('GetSettings'));
    expect(requiredEventRole('SettingsChanged')).toBe('trader');
    const aboveViewer = Object.keys(Events).filter((name) => requiredEventRole(name) !== 'viewer');
    expect(aboveViewer).toEqual(['SettingsChanged']);
  });
});

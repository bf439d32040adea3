import { HL_ENDPOINTS } from '../../adapters/hyperliquid/hl-endpoints.ts';
import type { CommandName } from '../../shared/contract/commands.ts';
import type { ApiRole } from './auth-config.ts';

/**
 * Commands that only read: state, series, detections, rules and sources. `LoadCandles` is here
 * because showing a chart needs it; it reads a bundled sample or a file inside the allowed data
 * folders into the candle cache and changes nothing a trade depends on.
 */
const VIEWER_COMMANDS = [
  'GetEngineStatus',
  'LoadCandles',
  'QueryCandles',
  'ListSeries',
  'ListSamples',
  'GetReplayState',
  'QueryDetections',
  'GetTradingState',
  'ListLearnableFiles',
  'ListRules',
  'GetSourcePage',
  'ListStrategies',
  'GetSourceMedia',
  'GetKeyframeImage',
] as const satisfies readonly CommandName[];

/**
 * Commands that trade (paper or live: a live session still needs the signing key in the
 * engine's secret store, and mainnet its typed confirmation), run research jobs or change
 * strategies. `GetSettings` is here, not with the viewer: it shows the account, the risk
 * limits and the data folder, which a trader needs and a read-only observer does not.
 */
const TRADER_COMMANDS = [
  'StartReplay',
  'ControlReplay',
  'StopReplay',
  'RunBacktest',
  'RunSweep',
  'RunWalkForward',
  'CancelBacktest',
  'StartTradingSession',
  'StartPaperSession',
  'StopPaperSession',
  'SubmitTicket',
  'CheckTicket',
  'ModifyOrder',
  'CancelOrder',
  'KillSwitch',
  'LearnFile',
  'CancelLearn',
  'SetRuleEnabled',
  'CreateStrategy',
  'CompileStrategy',
  'RunFeedback',
  'CancelFeedback',
  'ApproveSuggestion',
  'GetSettings',
] as const satisfies readonly CommandName[];

/** Commands that change the settings or the keys. */
const ADMIN_COMMANDS = ['UpdateSettings', 'SetSecret', 'DeleteSecret'] as const satisfies readonly CommandName[];

const RANK: Readonly<Record<ApiRole, number>> = { viewer: 0, trader: 1, admin: 2 };

const REQUIRED = new Map<string, ApiRole>([
  ...VIEWER_COMMANDS.map((name) => [name, 'viewer'] as const),
  ...TRADER_COMMANDS.map((name) => [name, 'trader'] as const),
  ...ADMIN_COMMANDS.map((name) => [name, 'admin'] as const),
]);

/**
 * The least role that may run `command`. A name in none of the lists (a command added later,
 * or one that does not exist) needs admin: access fails closed until someone classifies it.
 */
export function requiredRole(command: string): ApiRole {
  return REQUIRED.get(command) ?? 'admin';
}

/** The venue API URLs anyone who may trade may name: Hyperliquid's own. */
const KNOWN_VENUES = new Set([HL_ENDPOINTS.mainnet.api, HL_ENDPOINTS.testnet.api]);

/**
 * The least role that may run `command` with this `payload`. Starting a session on a venue URL
 * other than Hyperliquid's own makes the engine connect wherever the caller says (a request
 * forgery into the server's network), so a custom URL needs admin; Hyperliquid's networks need
 * trader as usual.
 */
export function requiredRoleFor(command: string, payload: unknown): ApiRole {
  const role = requiredRole(command);
  if (command !== 'StartPaperSession' && command !== 'StartTradingSession') return role;
  const body = typeof payload === 'object' && payload !== null ? (payload as Record<string, unknown>) : {};
  const apiUrl = body.apiUrl;
  const custom = body.network === 'custom' || (apiUrl !== undefined && !KNOWN_VENUES.has(String(apiUrl)));
  return custom ? 'admin' : role;
}

/** Whether `role` may run `command` (with `payload`, when it is known). */
export function roleAllows(role: ApiRole, command: string, payload?: unknown): boolean {
  const needed = payload === undefined ? requiredRole(command) : requiredRoleFor(command, payload);
  return RANK[role] >= RANK[needed];
}

/** Whether `role` is at least `needed` (admin ⊇ trader ⊇ viewer). */
export function roleAtLeast(role: ApiRole, needed: ApiRole): boolean {
  return RANK[role] >= RANK[needed];
}

/**
 * Events a viewer may not receive: they carry what only a higher role may ask for.
 * `SettingsChanged` holds the whole Settings view (account, risk limits, data folder, where
 * the keys are kept), exactly what `GetSettings` answers, which needs the trader role; pushing
 * it to every socket would hand viewers what the command table refuses them. Every other event
 * mirrors state a viewer can read with a viewer command (GetTradingState, QueryCandles…).
 */
const EVENT_ROLES: ReadonlyMap<string, ApiRole> = new Map([['SettingsChanged', requiredRole('GetSettings')]]);

/** The least role that may receive the event named `event` over the WebSocket. */
export function requiredEventRole(event: string): ApiRole {
  return EVENT_ROLES.get(event) ?? 'viewer';
}

/** Every command explicitly classified, by role, for tests and documentation. */
export const COMMAND_ROLES: Readonly<Record<ApiRole, readonly CommandName[]>> = {
  viewer: VIEWER_COMMANDS,
  trader: TRADER_COMMANDS,
  admin: ADMIN_COMMANDS,
};

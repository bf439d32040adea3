import type { z } from 'zod';
import type { EngineModeSchema } from '../shared/contract/commands.ts';

/** The engine's run mode (research, backtest, replay, paper, live). */
export type EngineMode = z.infer<typeof EngineModeSchema>;

/** What the update policy needs to know about the running session. */
export interface UpdateContext {
  /** Orders working on the venue (or in the paper venue) right now. */
  readonly ordersLive: number;
  /** Positions currently open. */
  readonly positionsOpen: number;
  readonly mode: EngineMode;
}

/** The decision, with the reason shown to the user when an update waits. */
export type UpdateDecision =
  | { readonly install: true }
  | {
      readonly install: false;
      readonly reason: 'live-orders' | 'live-position' | 'paper-session' | 'unknown-exposure';
    };

const isCount = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 0;

/**
 * Whether a downloaded update may be installed now (installing restarts the app, which stops
 * the engine). Never while orders are working or a position is open in live mode: a restart
 * would leave real exposure unmanaged (no stops, no risk limits) until the app is back. Paper
 * sessions with orders or positions also wait, so a simulation is not cut short. Anything that
 * is not a clean count is treated as exposure (the safe answer is "not now").
 */
export function shouldInstallUpdate(context: UpdateContext): UpdateDecision {
  if (!isCount(context.ordersLive) || !isCount(context.positionsOpen)) {
    return { install: false, reason: 'unknown-exposure' };
  }
  if (context.mode === 'live') {
    if (context.ordersLive > 0) return { install: false, reason: 'live-orders' };
    if (context.positionsOpen > 0) return { install: false, reason: 'live-position' };
  }
  if (context.mode === 'paper' && (context.ordersLive > 0 || context.positionsOpen > 0)) {
    return { install: false, reason: 'paper-session' };
  }
  return { install: true };
}

/** What an auto-updater must provide to the main process. */
export interface Updater {
  /** Whether updates are actually checked and installed. */
  readonly wired: boolean;
  /** Checks for an update and installs it if {@link shouldInstallUpdate} allows. */
  checkForUpdates(context: () => UpdateContext): Promise<UpdateCheckResult>;
}

/** The outcome of one check. */
export type UpdateCheckResult =
  | { readonly status: 'not-implemented'; readonly message: string }
  | { readonly status: 'up-to-date' }
  | { readonly status: 'deferred'; readonly decision: UpdateDecision }
  | { readonly status: 'installing'; readonly version: string };

/**
 * Placeholder updater: auto-update is NOT wired yet (electron-updater is not a dependency and
 * no update feed is published: `publish: null` in electron-builder.yml). It checks nothing and
 * installs nothing; it only says so. A real updater must gate installation on
 * {@link shouldInstallUpdate}.
 */
export class NotImplementedUpdater implements Updater {
  readonly wired = false;
  static readonly MESSAGE = 'auto-update is not wired yet: install new versions manually';

  checkForUpdates(): Promise<UpdateCheckResult> {
    return Promise.resolve({ status: 'not-implemented', message: NotImplementedUpdater.MESSAGE });
  }
}

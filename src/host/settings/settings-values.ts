import { Decimal } from 'decimal.js';
import { DEFAULT_CLAUDE_MODEL } from '../../adapters/learning/claude/claude-options.ts';
import { resolveEndpoints, type HlEndpoints } from '../../adapters/hyperliquid/hl-endpoints.ts';
import type { Settings } from '../../shared/contract/settings.ts';

/*
 * What the services that start sessions and jobs need from the settings, in the form their
 * options take. Read the settings with `readSettings(db)` (adapters/sqlite/settings-repository)
 * and pass them through these.
 */

/** The Claude model learning should use: the chosen one, else the learning code's default. */
export function claudeModelOf(settings: Pick<Settings, 'claudeModel'>): string {
  return settings.claudeModel ?? DEFAULT_CLAUDE_MODEL;
}

/** The Hyperliquid endpoints of the chosen network or custom API URL. */
export function endpointsOf(settings: Pick<Settings, 'network'>): HlEndpoints {
  const network = settings.network;
  return network.kind === 'custom'
    ? resolveEndpoints({ apiUrl: network.apiUrl })
    : resolveEndpoints({ network: network.kind });
}

/**
 * Fee rates as fractions (`VenueConfig.makerFee`/`takerFee`: 4.5 bps → "0.00045"), or null when
 * the fees are the venue's (read from the account's tier when a session starts).
 */
export function feeRatesOf(settings: Pick<Settings, 'fees'>): { makerFee: string; takerFee: string } | null {
  const fees = settings.fees;
  if (fees.source === 'venue') return null;
  return {
    makerFee: new Decimal(fees.makerBps).div(10_000).toFixed(),
    takerFee: new Decimal(fees.takerBps).div(10_000).toFixed(),
  };
}

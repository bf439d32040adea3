import type { Command } from 'commander';
import { resolveEndpoints, type HlEndpoints, type HlNetwork } from '../../adapters/hyperliquid/hl-endpoints.ts';
import { ValidationError } from '../../shared/contract/errors.ts';

/** The options that pick a Hyperliquid venue. */
export interface VenueOptions {
  network?: string;
  apiUrl?: string;
  source?: string;
}

/** Adds `--network`, `--api-url` and `--source` to a command that talks to Hyperliquid. */
export function withVenue(command: Command): Command {
  return command
    .option('--network <network>', 'mainnet or testnet (real venues are used only when named)')
    .option('--api-url <url>', 'another Hyperliquid-compatible API, e.g. a local hl-sim')
    .option('--source <name>', 'name the data is cached under (default: from the venue)');
}

/** The endpoints and cache source name the options choose. */
export function resolveVenue(options: VenueOptions): { endpoints: HlEndpoints; source: string; label: string } {
  if (options.network !== undefined && options.network !== 'mainnet' && options.network !== 'testnet') {
    throw new ValidationError(`--network: "${options.network}" is not mainnet or testnet`);
  }
  const network = options.network as HlNetwork | undefined;
  const endpoints = resolveEndpoints({ network, apiUrl: options.apiUrl });
  const where = options.apiUrl ? new URL(endpoints.apiUrl).host : (network ?? 'mainnet');
  const source =
    options.source ?? (options.apiUrl ? `hl@${where}` : network === 'testnet' ? 'hyperliquid-testnet' : 'hyperliquid');
  return { endpoints, source, label: `Hyperliquid (${where})` };
}

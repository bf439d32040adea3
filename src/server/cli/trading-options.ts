import type { Command } from 'commander';
import { openSecretStore } from '../../adapters/secrets/open-secret-store.ts';
import type { SecretStore } from '../../adapters/secrets/secret-store.ts';
import { resolveEndpoints, type HlEndpoints } from '../../adapters/hyperliquid/hl-endpoints.ts';
import { ConfigurationError, ValidationError } from '../../shared/contract/errors.ts';
import type { TradingMode } from '../../host/trading/run-ids.ts';

/** The options every trading command takes. */
export interface TradingCliOptions {
  mode: string;
  coin: string;
  network?: string;
  apiUrl?: string;
  testnet?: boolean;
  source?: string;
  confirmMainnet?: boolean;
  account?: string;
  secrets?: string;
  dataDir?: string;
}

/** Adds the mode, market, venue, account, secrets and data options. */
export function withTradingOptions(command: Command): Command {
  return command
    .requiredOption('--mode <mode>', 'paper (live data, simulated account) or live')
    .requiredOption('--coin <coin>', 'market, e.g. BTC')
    .option('--network <network>', 'testnet (default) or mainnet')
    .option('--testnet', 'the testnet (the default)')
    .option('--api-url <url>', 'another Hyperliquid-compatible API, e.g. a local hl-sim')
    .option('--source <name>', 'name the candles are cached under (default: from the venue)')
    .option('--confirm-mainnet', 'required to trade real money on mainnet')
    .option('--account <address>', 'the account traded when the key is an agent key (default: the key’s address)')
    .option(
      '--secrets <store>',
      'where the signing key is: keychain, env (HYPERDESK_SIGNING_KEY) or file:<dir> (default: env when set, else keychain)',
    )
    .option('--data-dir <dir>', 'folder of the HyperDesk database (default: per-user app data)');
}

/** The mode option, validated. */
export function parseMode(value: string): TradingMode {
  if (value !== 'paper' && value !== 'live') throw new ValidationError(`--mode: "${value}" is not paper or live`);
  return value;
}

/**
 * The venue the options name. Testnet unless mainnet is named; live trading on mainnet needs
 * `--confirm-mainnet` as well, so real money is never one typo away.
 */
export function tradingVenue(
  options: TradingCliOptions,
  mode: TradingMode,
): { endpoints: HlEndpoints; source: string; label: string } {
  if (options.network !== undefined && options.network !== 'mainnet' && options.network !== 'testnet') {
    throw new ValidationError(`--network: "${options.network}" is not mainnet or testnet`);
  }
  if (options.testnet && options.network === 'mainnet')
    throw new ValidationError('--testnet and --network mainnet disagree');
  const network = options.network === 'mainnet' ? 'mainnet' : 'testnet';
  if (network === 'mainnet' && mode === 'live' && options.confirmMainnet !== true) {
    throw new ConfigurationError('live trading on mainnet uses real money: add --confirm-mainnet to confirm');
  }
  const endpoints = resolveEndpoints({ network, apiUrl: options.apiUrl });
  const where = options.apiUrl ? new URL(endpoints.apiUrl).host : network;
  const source =
    options.source ?? (options.apiUrl ? `hl@${where}` : network === 'testnet' ? 'hyperliquid-testnet' : 'hyperliquid');
  return { endpoints, source, label: `Hyperliquid (${where})` };
}

/** The secret store the options name (env when HYPERDESK_SIGNING_KEY is set, else the keychain). */
export function secretStoreOption(options: TradingCliOptions): SecretStore {
  return openSecretStore(options.secrets ?? (process.env.HYPERDESK_SIGNING_KEY ? 'env' : 'keychain'));
}

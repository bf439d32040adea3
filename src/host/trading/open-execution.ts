import type { Database } from 'better-sqlite3';
import { HttpTransport, InfoClient } from '@nktkas/hyperliquid';
import { Decimal } from 'decimal.js';
import { z } from 'zod';
import { HlExchangeClient } from '../../adapters/hyperliquid/hl-exchange-client.ts';
import type { HlEndpoints } from '../../adapters/hyperliquid/hl-endpoints.ts';
import { HlExecution } from '../../adapters/hyperliquid/hl-execution.ts';
import { HlSigner } from '../../adapters/hyperliquid/hl-signer.ts';
import { NonceManager } from '../../adapters/hyperliquid/nonce-manager.ts';
import type { WeightLimiter } from '../../adapters/hyperliquid/weight-limiter.ts';
import type { SecretStore } from '../../adapters/secrets/secret-store.ts';
import { SqliteJournal } from '../../adapters/sqlite/sqlite-journal.ts';
import type { ExecutionClient } from '../../engine/execution/execution-client.ts';
import { PaperExecution } from '../../engine/execution/paper-execution.ts';
import { ConfigurationError, ValidationError } from '../../shared/contract/errors.ts';
import { describeIssues } from '../../shared/contract/validation.ts';
import { VenueConfigSchema, type VenueConfig } from '../../shared/contract/venue-config.ts';
import { AddressSchema } from '../../shared/values/address.ts';
import { parseOrThrow } from '../../shared/contract/validation.ts';
import { paperVenueRunOf, type TradingMode } from './run-ids.ts';

/** What {@link openExecution} needs. */
export interface OpenExecutionOptions {
  readonly mode: TradingMode;
  readonly endpoints: HlEndpoints;
  readonly coin: string;
  readonly db: Database;
  /** The run's journal stream (the paper venue journals next to it). */
  readonly runId: string;
  /** Live: where the signing key is. */
  readonly secrets?: SecretStore;
  /** Live: the account traded, when the key is an agent's (default: the key's own address). */
  readonly account?: string;
  /** Paper: starting balance and leverage of the simulated account. */
  readonly capital?: string;
  readonly leverage?: number;
  /** Paper: fixed fee rates (fractions) of a new account; default the venue's base tier. */
  readonly fees?: { readonly makerFee: string; readonly takerFee: string };
  /** Paper: hourly funding rate charged on the position (none when left out). */
  readonly fundingRatePerHour?: string;
  /**
   * Live: only reading (orders, positions). The key is still used when there is one, but
   * `account` alone is enough.
   */
  readonly readOnly?: boolean;
  /** Live: the request weight limiter of the venue client (shared with other clients of the IP). */
  readonly limiter?: WeightLimiter;
  readonly now?: () => number;
}

/** The venue a run trades on and the account it trades. */
export interface OpenedExecution {
  readonly execution: ExecutionClient;
  readonly paper: PaperExecution | null;
  readonly account: string;
  /** Live: the venue client (its weight limiter and the address's action budget); null for paper. */
  readonly client: HlExchangeClient | null;
}

/**
 * The venue of a trading run. Live: Hyperliquid with the signing key from the secret store
 * (an agent key is recommended; the account address is then given separately). Paper: the
 * simulated venue with the real market's lot size, rebuilt from its journal.
 */
export async function openExecution(options: OpenExecutionOptions): Promise<OpenedExecution> {
  const now = options.now ?? Date.now;
  if (options.mode === 'paper') {
    const szDecimals = await marketSizeDecimals(options.endpoints, options.coin);
    const venue = VenueConfigSchema.safeParse({
      capital: options.capital ?? '10000',
      leverage: options.leverage ?? 1,
      ...(options.fees ?? {}),
      lotSize: new Decimal(10).pow(-szDecimals).toFixed(),
      fill: 'close',
      funding:
        options.fundingRatePerHour === undefined
          ? { kind: 'none' }
          : { kind: 'constant', ratePerHour: options.fundingRatePerHour },
    });
    if (!venue.success) throw new ValidationError(describeIssues('paper account', venue.error));
    const journal = new SqliteJournal(options.db, paperVenueRunOf(options.runId));
    const config = paperConfig(journal, venue.data, options, now);
    const paper = new PaperExecution({ coin: options.coin, venue: config, journal, clock: { now } });
    paper.restore();
    return { execution: paper, paper, account: 'paper', client: null };
  }
  const secrets = options.secrets;
  if (!secrets) throw new ConfigurationError('live trading needs a secret store for the signing key');
  const key = await secrets.get('signing-key').catch((error: unknown) => {
    // Reading needs no key: an unavailable keychain only matters when there is none to read.
    if (options.readOnly && options.account !== undefined) return null;
    throw error;
  });
  if (!key && options.readOnly && options.account !== undefined) {
    const account = parseOrThrow(AddressSchema, options.account, '--account');
    const client = new HlExchangeClient({
      endpoints: options.endpoints,
      signer: null,
      nonces: new NonceManager(now),
      limiter: options.limiter,
    });
    const execution = new HlExecution({ client, endpoints: options.endpoints, account });
    await execution.init();
    return { execution, paper: null, account, client };
  }
  if (!key) {
    throw new ConfigurationError(
      `no signing key in ${secrets.describe}: store an agent key with "hyperdesk keys set signing-key" (keychain) or set HYPERDESK_SIGNING_KEY with --secrets env`,
    );
  }
  const signer = new HlSigner(key, options.endpoints.isTestnet);
  const account =
    options.account === undefined ? signer.address : parseOrThrow(AddressSchema, options.account, '--account');
  const client = new HlExchangeClient({
    endpoints: options.endpoints,
    signer,
    nonces: new NonceManager(now),
    limiter: options.limiter,
  });
  const execution = new HlExecution({ client, endpoints: options.endpoints, account });
  await execution.init();
  return { execution, paper: null, account, client };
}

const MetaSchema = z.object({
  universe: z.array(z.object({ name: z.string(), szDecimals: z.number().int().min(0).max(12) })),
});

/** The size decimals of `coin` on the venue (its lot is 10^-szDecimals). */
async function marketSizeDecimals(endpoints: HlEndpoints, coin: string): Promise<number> {
  const info = new InfoClient({
    transport: new HttpTransport({ apiUrl: endpoints.apiUrl, isTestnet: endpoints.isTestnet }),
  });
  const meta = MetaSchema.safeParse(await info.meta());
  if (!meta.success) throw new ValidationError(describeIssues('venue meta', meta.error));
  const market = meta.data.universe.find((m) => m.name === coin);
  if (!market) {
    throw new ValidationError(
      `unknown coin "${coin}"; the venue lists ${meta.data.universe
        .slice(0, 12)
        .map((m) => m.name)
        .join(', ')}`,
    );
  }
  return market.szDecimals;
}

/**
 * The paper account's settings: the ones it was opened with (journaled first, so a restart or
 * a listing replays it under the same capital, leverage and funding), or, for a new account,
 * `fresh`, which are then journaled. Asking a running account for other settings is an error:
 * replaying its history under them would rewrite that history.
 */
function paperConfig(
  journal: SqliteJournal,
  fresh: VenueConfig,
  options: OpenExecutionOptions,
  now: () => number,
): VenueConfig {
  const first = journal.read()[0];
  if (first === undefined) {
    if (!options.readOnly) journal.append([{ at: now(), event: 'paper.config', payload: { venue: fresh } }]);
    return fresh;
  }
  if (first.event !== 'paper.config') return fresh;
  const saved = VenueConfigSchema.parse(first.payload.venue);
  const differs: string[] = [];
  if (options.capital !== undefined && !new Decimal(options.capital).eq(saved.capital))
    differs.push(`capital ${saved.capital}`);
  if (options.leverage !== undefined && options.leverage !== saved.leverage)
    differs.push(`leverage ${saved.leverage}×`);
  const rate = saved.funding.kind === 'constant' ? saved.funding.ratePerHour : null;
  if (
    options.fundingRatePerHour !== undefined &&
    (rate === null || !new Decimal(options.fundingRatePerHour).eq(rate))
  ) {
    differs.push(`funding ${rate ?? 'none'}`);
  }
  if (differs.length > 0) {
    throw new ValidationError(
      `this paper account was opened with ${differs.join(', ')}; keep those settings, or trade on another data folder for a new account`,
    );
  }
  return saved;
}

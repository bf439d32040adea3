import { z } from 'zod';
import { RiskRulesSchema } from '../../engine/execution/risk-manager.ts';
import { SizingSchema } from '../../engine/trading/sizing.ts';
import { CoinSchema } from '../../shared/contract/series.ts';
import { AddressSchema } from '../../shared/values/address.ts';
import { DecimalStringSchema } from '../../shared/values/decimal-values.ts';
import { TimeframeSchema } from '../../shared/values/timeframe.ts';
import { AuthConfigSchema } from '../auth/auth-config.ts';
import { LeaderConfigSchema } from '../leader/leader-elector.ts';

/** Where the HTTP + WebSocket server listens and where its data lives. */
export const ServerSectionSchema = z
  .object({
    host: z.string().min(1).default('127.0.0.1'),
    port: z.number().int().min(0, 'must be ≥ 0').max(65535, 'must be ≤ 65535').default(8787),
    /** Listening beyond loopback exposes the engine; it must be asked for explicitly. */
    allowRemote: z.boolean().default(false),
    /** Names clients use to reach a remote-listening server (IP addresses always work). */
    allowedHosts: z.array(z.string().regex(/^[A-Za-z0-9.-]+$/, 'must be a host name')).default([]),
    /** Database and data files (default: per-user app data, or HYPERDESK_DATA_DIR). */
    dataDir: z.string().min(1).optional(),
  })
  .strict();

/**
 * The unattended trading session `hyperdesk serve` runs while it is the leader: the same
 * choices as `hyperdesk trade` (validated by the same schemas and functions).
 */
export const TradingSectionSchema = z
  .object({
    mode: z.enum(['paper', 'live']),
    coin: CoinSchema,
    interval: TimeframeSchema.default('1m'),
    strategy: z
      .object({
        /** A built-in strategy id (sma-cross, ema-cross, confluence, rules) or a strategy file (.json). */
        name: z.string().min(1),
        /** Parameters on top of the strategy's (or the file's). */
        params: z.record(z.string(), z.unknown()).default({}),
        /** `all-in` or `risk:<percent>` (the strategy's default when left out). */
        sizing: SizingSchema.optional(),
      })
      .strict(),
    /** testnet (default) or mainnet; live on mainnet also needs `confirmMainnet`. */
    network: z.enum(['mainnet', 'testnet']).optional(),
    /** Another Hyperliquid-compatible API, e.g. a local sim-exchange. */
    apiUrl: z.url().optional(),
    /** Name the candles are cached under (default: from the venue). */
    source: z.string().min(1).optional(),
    confirmMainnet: z.boolean().default(false),
    /** Live: the account traded when the key is an agent key (default: the key's address). */
    account: AddressSchema.optional(),
    /** Leverage set on the venue (cross margin; default 1, or the paper account's). */
    leverage: z.number().int().min(1).max(100).optional(),
    /** Paper: starting balance (default 10000). */
    capital: DecimalStringSchema.optional(),
    /** Paper: hourly funding rate charged on the position. */
    fundingRate: DecimalStringSchema.optional(),
    /** The risk rules (every key optional; `hyperdesk trade --rules` takes the same). */
    risk: RiskRulesSchema.prefault({}),
    /** Live: the venue cancels every order this long after the session stops refreshing it. */
    deadManSeconds: z.number().int().min(5).max(86_400).default(60),
    /** Bars of history the strategy sees before trading. */
    warmUpBars: z.number().int().min(0).max(5000).default(500),
  })
  .strict()
  .refine((t) => t.leverage === undefined || t.leverage <= t.risk.maxLeverage, {
    message: 'is above risk.maxLeverage',
    path: ['leverage'],
  })
  .refine((t) => !(t.mode === 'live' && t.network === 'mainnet' && !t.confirmMainnet), {
    message: 'live trading on mainnet uses real money: set trading.confirmMainnet: true to confirm',
    path: ['confirmMainnet'],
  });

/** What happens on SIGTERM/SIGINT. */
export const ShutdownSectionSchema = z
  .object({
    /** Everything must be done within this; past it the process exits anyway (code 1). */
    graceMs: z.number().int().min(1000).max(600_000).default(20_000),
    /**
     * `keep`: open orders (stops, targets) stay on the venue and its dead-man switch stays
     * armed, so they are canceled unless a successor takes over in time. `cancel`: the
     * session's open orders are canceled first.
     */
    openOrders: z.enum(['keep', 'cancel']).default('keep'),
  })
  .strict();

/** What `/readyz` demands. */
export const ReadinessSectionSchema = z
  .object({
    /**
     * Market data counts as fresh while the last closed bar closed less than one interval plus
     * this ago (a bar is fetched a few seconds after it closes).
     */
    candleMarginMs: z.number().int().min(1000).max(86_400_000).default(30_000),
  })
  .strict();

/** Logging. */
export const LogSectionSchema = z
  .object({
    level: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
    /** `json` lines (default when not on a terminal) or `pretty` short lines. */
    format: z.enum(['json', 'pretty']).optional(),
  })
  .strict();

/** The whole configuration of `hyperdesk serve` (file, environment, flags). */
export const ServeConfigSchema = z
  .object({
    server: ServerSectionSchema.prefault({}),
    auth: AuthConfigSchema.prefault({}),
    /** Where secrets are read: keychain, env, file:<dir> (mounted secrets) or dir:<dir>. */
    secrets: z
      .string()
      .regex(/^(keychain|env|file:.+|dir:.+)$/, 'must be keychain, env, file:<dir> or dir:<dir>')
      .optional(),
    trading: TradingSectionSchema.optional(),
    leader: LeaderConfigSchema.default({ kind: 'none' }),
    shutdown: ShutdownSectionSchema.prefault({}),
    readiness: ReadinessSectionSchema.prefault({}),
    log: LogSectionSchema.prefault({}),
  })
  .strict();

/** The server configuration, validated, defaults filled in. */
export type ServeConfig = z.output<typeof ServeConfigSchema>;

/** The server configuration as written. */
export type ServeConfigInput = z.input<typeof ServeConfigSchema>;

/** The trading section, validated. */
export type TradingSection = z.output<typeof TradingSectionSchema>;

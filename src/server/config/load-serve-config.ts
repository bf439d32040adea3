import { basename, extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { readSmallFile } from '../../adapters/files/read-small-file.ts';
import { readStrategyFile } from '../../adapters/files/strategy-file.ts';
import { resolveStrategy, type StrategySpec } from '../../engine/strategy/strategy-registry.ts';
import { ConfigurationError, HyperdeskError } from '../../shared/contract/errors.ts';
import { tradingVenue } from '../cli/trading-options.ts';
import { keysAt, leafKindAt, schemaLeaves, type LeafKind } from './schema-paths.ts';
import { ServeConfigSchema, type ServeConfig, type TradingSection } from './serve-config.ts';

/** The `hyperdesk serve` flags that override the file (each only when given). */
export interface ServeFlags {
  readonly host?: string;
  readonly port?: string;
  readonly dataDir?: string;
  readonly allowRemote?: boolean;
  readonly allowedHosts?: readonly string[];
}

/** Where the configuration comes from, weakest first: file, environment, flags. */
export interface ServeConfigSources {
  /** A YAML or JSON file (`--config`). */
  readonly file?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly flags?: ServeFlags;
}

/** A validated configuration and the strategy its trading section names (resolved up front). */
export interface LoadedServeConfig {
  readonly config: ServeConfig;
  readonly strategy: StrategySpec | null;
}

/** Environment variables of this form override the key their name spells. */
export const ENV_PREFIX = 'HYPERDESK_';
const MAX_CONFIG_BYTES = 1 << 20;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/** `allowRemote` → `ALLOW_REMOTE`. */
function snake(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

/** The environment variable that overrides the key at `path`. */
export function envNameOf(path: readonly string[]): string {
  return `${ENV_PREFIX}${path.map(snake).join('_')}`;
}

type Tree = Record<string, unknown>;

function isTree(value: unknown): value is Tree {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function setPath(tree: Tree, path: readonly string[], value: unknown): void {
  let node = tree;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (!isTree(next)) node[key] = {};
    node = node[key] as Tree;
  }
  node[path[path.length - 1] as string] = value;
}

/** Text from the environment as the kind of value the key takes (zod then judges it). */
function fromText(text: string, kind: LeafKind): unknown {
  const trimmed = text.trim();
  switch (kind) {
    case 'string':
      return text;
    case 'number':
      return trimmed !== '' && Number.isFinite(Number(trimmed)) ? Number(trimmed) : text;
    case 'boolean':
      if (/^(true|1|yes)$/i.test(trimmed)) return true;
      if (/^(false|0|no)$/i.test(trimmed)) return false;
      return text;
    case 'array':
      if (trimmed.startsWith('[')) return parseJsonOr(trimmed, text);
      return trimmed === '' ? [] : trimmed.split(',').map((part) => part.trim());
    case 'other':
      return parseJsonOr(trimmed, text);
  }
}

function parseJsonOr(text: string, fallback: unknown): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return fallback;
  }
}

/** Records, for every leaf of `value`, where it came from. */
function noteOrigins(value: unknown, path: readonly string[], origin: string, origins: Map<string, string>): void {
  origins.set(path.join('.'), origin);
  if (isTree(value))
    for (const [key, child] of Object.entries(value)) noteOrigins(child, [...path, key], origin, origins);
}

/** Money and names written as YAML numbers (capital: 10000) are the strings the schema wants. */
function numbersToStrings(tree: Tree, path: readonly string[]): void {
  for (const [key, value] of Object.entries(tree)) {
    const here = [...path, key];
    if (isTree(value)) numbersToStrings(value, here);
    else if (typeof value === 'number' && leafKindAt(ServeConfigSchema, here) === 'string') tree[key] = String(value);
  }
}

/** Where the value at `path` (or the nearest enclosing one) came from. */
function originOf(path: readonly PropertyKey[], origins: Map<string, string>): string | null {
  for (let n = path.length; n >= 0; n--) {
    const origin = origins.get(path.slice(0, n).map(String).join('.'));
    if (origin !== undefined) return origin;
  }
  return null;
}

function describeIssues(error: z.ZodError, origins: Map<string, string>): string {
  const lines: string[] = [];
  for (const issue of error.issues) {
    const where = (path: readonly PropertyKey[]) => {
      const origin = originOf(path, origins);
      return origin === null ? '' : ` (${origin})`;
    };
    if (issue.code === 'unrecognized_keys') {
      const allowed = keysAt(ServeConfigSchema, issue.path.map(String));
      for (const key of issue.keys) {
        const path = [...issue.path, key];
        const name = path.map(String).join('.');
        lines.push(
          `${name}: unknown key${allowed ? `; ${issue.path.length > 0 ? issue.path.map(String).join('.') : 'the config'} takes ${allowed.join(', ')}` : ''}${where(path)}`,
        );
      }
      continue;
    }
    const name = issue.path.length > 0 ? issue.path.map(String).join('.') : '(root)';
    lines.push(`${name}: ${issue.message}${where(issue.path)}`);
  }
  return `config: ${lines.join('; ')}`;
}

async function readConfigFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readSmallFile(file, 'config file', MAX_CONFIG_BYTES);
  } catch (error) {
    throw new ConfigurationError(`config: ${(error as Error).message}`);
  }
  const name = basename(file);
  try {
    return extname(file).toLowerCase() === '.json' ? (JSON.parse(text) as unknown) : (parseYaml(text) as unknown);
  } catch (error) {
    throw new ConfigurationError(
      `config: ${name} is not valid ${extname(file) === '.json' ? 'JSON' : 'YAML'}: ${(error as Error).message.split('\n')[0]}`,
    );
  }
}

/**
 * Reads the server configuration: the file (YAML, or JSON), then `HYPERDESK_<SECTION>_<KEY>`
 * environment variables (`HYPERDESK_SERVER_PORT`, `HYPERDESK_TRADING_RISK_DAILY_LOSS_LIMIT`),
 * then the flags. Every problem is reported at once, each naming the key and where its value
 * came from; nothing is started with a bad configuration. Values are never echoed (they may
 * be secrets).
 */
export async function loadServeConfig(sources: ServeConfigSources): Promise<LoadedServeConfig> {
  const env = sources.env ?? {};
  const origins = new Map<string, string>();
  let raw: Tree = {};
  if (sources.file !== undefined) {
    const parsed = await readConfigFile(sources.file);
    const name = basename(sources.file);
    if (parsed !== null && parsed !== undefined && !isTree(parsed)) {
      throw new ConfigurationError(`config: ${name} must hold a mapping of sections (server, trading, …)`);
    }
    raw = parsed ?? {};
    noteOrigins(raw, [], `file ${name}`, origins);
    origins.delete('');
  }

  const leaves = new Map(schemaLeaves(ServeConfigSchema).map((leaf) => [envNameOf(leaf.path), leaf]));
  const sections = (keysAt(ServeConfigSchema, []) ?? []).map((key) => ({ key, env: envNameOf([key]) }));
  const problems: string[] = [];
  for (const name of Object.keys(env).sort()) {
    const text = env[name];
    if (text === undefined || !name.startsWith(ENV_PREFIX)) continue;
    const section = sections.find((s) => name === s.env || name.startsWith(`${s.env}_`));
    if (!section) continue;
    const leaf = leaves.get(name);
    if (!leaf) {
      const keys = keysAt(ServeConfigSchema, [section.key]) ?? [];
      problems.push(
        `${name}: no such setting; ${section.key} takes ${keys.map((k) => envNameOf([section.key, k])).join(', ')}`,
      );
      continue;
    }
    setPath(raw, leaf.path, fromText(text, leaf.kind));
    origins.set(leaf.path.join('.'), `env ${name}`);
  }
  if (problems.length > 0) throw new ConfigurationError(`config: ${problems.join('; ')}`);

  const flags = sources.flags ?? {};
  const flag = (key: string, option: string, value: unknown) => {
    if (value === undefined) return;
    setPath(raw, ['server', key], value);
    origins.set(`server.${key}`, `flag ${option}`);
  };
  flag('host', '--host', flags.host);
  flag('port', '--port', flags.port === undefined ? undefined : fromText(flags.port, 'number'));
  flag('dataDir', '--data-dir', flags.dataDir);
  flag('allowRemote', '--allow-remote', flags.allowRemote ? true : undefined);
  flag('allowedHosts', '--allowed-host', flags.allowedHosts?.length ? [...flags.allowedHosts] : undefined);

  // In a pod, the lease holder is the pod (downward API), unless the config names another.
  const leader = raw.leader;
  if (isTree(leader) && leader.kind === 'kubernetes') {
    for (const [key, variable] of [
      ['identity', 'POD_NAME'],
      ['namespace', 'POD_NAMESPACE'],
    ] as const) {
      const value = env[variable];
      if (leader[key] === undefined && value) {
        leader[key] = value;
        origins.set(`leader.${key}`, `env ${variable}`);
      }
    }
  }

  numbersToStrings(raw, []);
  const result = ServeConfigSchema.safeParse(raw);
  if (!result.success) throw new ConfigurationError(describeIssues(result.error, origins));
  const config = result.data;
  const at = (path: string) => {
    const origin = originOf(path.split('.'), origins);
    return origin === null ? '' : ` (${origin})`;
  };
  // Listening beyond loopback is a decision: either said outright, or implied by configuring
  // the tokens that protect the API there (the HTTP server refuses an open API off loopback).
  if (!LOOPBACK.has(config.server.host) && !config.server.allowRemote && config.auth.tokens.length === 0) {
    throw new ConfigurationError(
      `config: server.allowRemote: server.host ${config.server.host} is reachable from other machines; add auth.tokens and set server.allowRemote: true (or pass --allow-remote) on a network you trust${at('server.host')}`,
    );
  }
  let strategy: StrategySpec | null = null;
  if (config.trading) {
    const trading = config.trading;
    strategy = await named('trading.strategy', at('trading.strategy.name'), () => resolveTradingStrategy(trading));
    await named('trading', at('trading.mode'), async () => tradingVenue({ ...trading }, trading.mode));
  }
  return { config, strategy };
}

/** Runs `check`, its errors reworded to name `key` and where it was set. */
async function named<T>(key: string, where: string, check: () => Promise<T>): Promise<T> {
  try {
    return await check();
  } catch (error) {
    if (!(error instanceof HyperdeskError)) throw error;
    throw new ConfigurationError(`config: ${key}: ${error.message}${where}`);
  }
}

/** The strategy of the trading section: a built-in id, or a strategy file with the params on top. */
async function resolveTradingStrategy(trading: TradingSection): Promise<StrategySpec> {
  const { name, params, sizing } = trading.strategy;
  if (!name.endsWith('.json')) return resolveStrategy(name, params, sizing);
  const file = await readStrategyFile(name);
  return resolveStrategy(file.strategy, { ...file.params, ...params }, sizing ?? file.sizing);
}

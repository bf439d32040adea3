import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ROOT } from '../../helpers/paths.ts';

/** The chart under test. */
export const CHART_DIR = join(ROOT, 'infra', 'helm', 'hyperdesk');
export const TERRAFORM_DIR = join(ROOT, 'infra', 'terraform');
export const DASHBOARD_FILE = join(ROOT, 'infra', 'grafana', 'hyperdesk-dashboard.json');
export const WORKFLOWS_DIR = join(ROOT, '.github', 'workflows');

/**
 * The metrics `hyperdesk serve` exports (the fixed server/infra interface). Alerts and the
 * dashboard may use only these, the histogram's `_bucket/_sum/_count` series, and the
 * default prom-client process/nodejs metrics listed in {@link DEFAULT_METRICS}.
 */
export const SERVER_METRICS: Readonly<Record<string, 'gauge' | 'counter' | 'histogram'>> = {
  hyperdesk_up: 'gauge',
  hyperdesk_ready: 'gauge',
  hyperdesk_leader: 'gauge',
  hyperdesk_equity_usd: 'gauge',
  hyperdesk_pnl_realized_usd: 'gauge',
  hyperdesk_pnl_unrealized_usd: 'gauge',
  hyperdesk_open_positions: 'gauge',
  hyperdesk_position_age_seconds: 'gauge',
  hyperdesk_orders: 'gauge',
  hyperdesk_fills_total: 'counter',
  hyperdesk_order_rejections_total: 'counter',
  hyperdesk_daily_loss_used_ratio: 'gauge',
  hyperdesk_circuit_breaker_open: 'gauge',
  hyperdesk_kill_switch_engaged: 'gauge',
  hyperdesk_rate_limit_used_ratio: 'gauge',
  hyperdesk_ws_reconnects_total: 'counter',
  hyperdesk_venue_connected: 'gauge',
  hyperdesk_candle_lag_seconds: 'gauge',
  hyperdesk_llm_tokens_total: 'counter',
  hyperdesk_llm_cost_usd_total: 'counter',
  hyperdesk_db_errors_total: 'counter',
  hyperdesk_errors_total: 'counter',
  hyperdesk_api_requests_total: 'counter',
  hyperdesk_api_request_duration_seconds: 'histogram',
};

/** prom-client default metrics the infra uses. */
export const DEFAULT_METRICS = ['nodejs_eventloop_lag_seconds', 'process_resident_memory_bytes', 'up'] as const;

/** Every series name a query may select. */
export function knownSeries(): Set<string> {
  const names = new Set<string>(DEFAULT_METRICS);
  for (const [name, type] of Object.entries(SERVER_METRICS)) {
    names.add(name);
    if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(name + suffix);
  }
  return names;
}

/** Metric names (hyperdesk_*, nodejs_*, process_*) a PromQL expression refers to. */
export function metricNamesIn(expr: string): string[] {
  return [...expr.matchAll(/\b((?:hyperdesk|nodejs|process)_[a-z0-9_]+)\b/g)].map((m) => m[1]!);
}

/** Files under `dir` (recursively) whose name passes `keep`. */
export function filesUnder(dir: string, keep: (name: string) => boolean): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== '.terraform' && entry.name !== 'node_modules') out.push(...filesUnder(path, keep));
    } else if (keep(entry.name)) out.push(path);
  }
  return out.sort();
}

/** Parses every document of a YAML stream, failing on the first syntax error (with its file). */
export function parseYamlDocs(text: string, file: string): unknown[] {
  return parseAllDocuments(text).map((doc, i) => {
    if (doc.errors.length > 0) throw new Error(`${file} (document ${i + 1}): ${doc.errors[0]!.message}`);
    return doc.toJS() as unknown;
  });
}

/** Reads a YAML file with exactly one document. */
export function readYaml(file: string): unknown {
  const docs = parseYamlDocs(readFileSync(file, 'utf8'), file);
  if (docs.length !== 1) throw new Error(`${file}: expected one YAML document, found ${docs.length}`);
  return docs[0];
}

/**
 * The helm binary: HYPERDESK_HELM, else `helm` on PATH; null when there is none. `.ci/run`
 * installs one and sets HYPERDESK_REQUIRE_HELM=1, so in CI a missing helm fails instead.
 */
export function findHelm(): string | null {
  const explicit = process.env.HYPERDESK_HELM;
  if (explicit) return existsSync(explicit) ? explicit : null;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, 'helm');
    if (dir && existsSync(candidate)) return candidate;
  }
  return null;
}

/** Runs helm and returns its stdout, or throws with its stderr. */
export function helm(bin: string, args: string[]): string {
  try {
    return execFileSync(bin, args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new Error(e.stderr?.trim() || e.message, { cause: error });
  }
}

/** A Kubernetes object as rendered. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
}

/** Deep property access for assertions on rendered manifests. */
export function at(value: unknown, path: string): unknown {
  let current: unknown = value;
  for (const key of path.split('.')) {
    if (current === null || current === undefined) return undefined;
    current = (current as Record<string, unknown>)[/^\d+$/.test(key) ? Number(key) : key];
  }
  return current;
}

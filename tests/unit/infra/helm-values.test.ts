import { Ajv } from 'ajv';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../helpers/paths.ts';
import {
  CHART_DIR,
  DASHBOARD_FILE,
  SERVER_METRICS,
  at,
  filesUnder,
  knownSeries,
  metricNamesIn,
  readYaml,
} from './infra-helpers.ts';

type Values = Record<string, unknown>;

const schema = JSON.parse(readFileSync(join(CHART_DIR, 'values.schema.json'), 'utf8')) as object;
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
const defaults = readYaml(join(CHART_DIR, 'values.yaml')) as Values;

/** Helm's merge of an environment file over values.yaml: maps merge, everything else replaces. */
function merge(base: Values, over: Values): Values {
  const out: Values = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = out[key];
    const isMap = (v: unknown): v is Values => typeof v === 'object' && v !== null && !Array.isArray(v);
    out[key] = isMap(current) && isMap(value) ? merge(current, value) : value;
  }
  return out;
}

function errorsOf(values: Values): string[] {
  return validate(values) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
}

const env = (name: string) => merge(defaults, readYaml(join(CHART_DIR, `values-${name}.yaml`)) as Values);
const DIGEST = `sha256:${'0'.repeat(64)}`;

describe('chart values against values.schema.json', () => {
  it('values.yaml, staging and production (with the digest deploys set) are valid', () => {
    expect(errorsOf(defaults)).toEqual([]);
    expect(errorsOf(env('staging'))).toEqual([]);
    expect(errorsOf(merge(env('production'), { image: { digest: DIGEST } }))).toEqual([]);
  });

  it('production is mainnet and stricter than staging', () => {
    const staging = env('staging');
    const production = env('production');
    expect(staging.network).toBe('testnet');
    expect(production.network).toBe('mainnet');
    expect(at(production, 'podDisruptionBudget.maxUnavailable')).toBe(0);
    expect(at(production, 'networkPolicy.enabled')).toBe(true);
    const t = (v: Values, k: string) => at(v, `metrics.prometheusRule.thresholds.${k}`) as number;
    for (const key of [
      'errorRatePerSecond',
      'apiErrorRatio',
      'dailyLossWarnRatio',
      'rateLimitWarnRatio',
      'candleLagSeconds',
    ]) {
      expect(t(production, key), key).toBeLessThan(t(staging, key));
    }
    expect(at(production, 'auth.rateLimit.perSecond') as number).toBeLessThan(
      at(staging, 'auth.rateLimit.perSecond') as number,
    );
    expect(at(production, 'secrets.externalSecret.remoteKey')).toBe('hyperdesk/production/keys');
    expect(at(staging, 'secrets.externalSecret.remoteKey')).toBe('hyperdesk/staging/keys');
    // Each environment's grace period covers its shutdown.
    for (const v of [defaults, staging, production]) {
      expect(v.terminationGracePeriodSeconds as number).toBeGreaterThan((at(v, 'shutdown.graceMs') as number) / 1000);
    }
  });

  it('refuses unsafe values, naming the field', () => {
    const prod = env('production');
    expect(errorsOf(prod).join('\n')).toContain('/image/digest');
    expect(errorsOf(merge(defaults, { image: { tag: 'latest' } })).join('\n')).toContain('/image/tag');
    expect(
      errorsOf(merge(defaults, { auth: { tokens: [{ name: 'x', role: 'admin', sha256: 'not-a-digest' }] } })).join(
        '\n',
      ),
    ).toContain('/auth/tokens/0/sha256');
    expect(errorsOf(merge(defaults, { config: { leader: { kind: 'none' } } })).join('\n')).toContain('/config');
    expect(errorsOf(merge(defaults, { network: 'devnet' })).join('\n')).toContain('/network');
    expect(errorsOf(merge(defaults, { extraEnv: [{ name: 'ANTHROPIC_API_KEY', value: 'x' }] })).join('\n')).toContain(
      '/extraEnv/0/name',
    );
    expect(errorsOf(merge(defaults, { surprise: true })).join('\n')).toContain('must NOT have additional properties');
  });

  it('no values file carries a secret: only SHA-256 token digests and ARNs, no key material', () => {
    for (const file of filesUnder(CHART_DIR, (n) => n.startsWith('values') && n.endsWith('.yaml'))) {
      const text = readFileSync(file, 'utf8');
      expect(text, relative(ROOT, file)).not.toMatch(/0x[0-9a-fA-F]{64}/); // an EVM private key
      expect(text, relative(ROOT, file)).not.toMatch(/sk-ant-/); // an Anthropic key
      expect(text, relative(ROOT, file)).not.toMatch(/AKIA[0-9A-Z]{16}/); // an AWS access key
    }
  });
});

describe('chart templates (text checks that need no helm)', () => {
  const template = (name: string) => readFileSync(join(CHART_DIR, 'templates', name), 'utf8');

  it('each required resource has its template with the essential fields', () => {
    const required: Record<string, string[]> = {
      'deployment.yaml': [
        'kind: Deployment',
        'replicas: 1',
        'type: Recreate',
        'path: /healthz',
        'path: /readyz',
        'runAsNonRoot: true',
        'readOnlyRootFilesystem: true',
        'drop: ["ALL"]',
        'type: RuntimeDefault',
        'fieldPath: metadata.name',
        'fieldPath: metadata.namespace',
        'terminationGracePeriodSeconds:',
        'mountPath: /var/run/secrets/hyperdesk',
        'mountPath: /var/lib/hyperdesk',
        '"--config", "/etc/hyperdesk/config.yaml"',
      ],
      'pvc.yaml': ['kind: PersistentVolumeClaim', 'helm.sh/resource-policy: keep'],
      'externalsecret.yaml': [
        'kind: ExternalSecret',
        'kind: SecretStore',
        'service: SecretsManager',
        'secretKey: signing-key',
        'secretKey: anthropic-api-key',
      ],
      'configmap.yaml': ['kind: ConfigMap', 'config.yaml: |', '"kind" "kubernetes"'],
      'serviceaccount.yaml': ['kind: ServiceAccount'],
      'role.yaml': [
        'kind: Role',
        'kind: RoleBinding',
        'resources: ["leases"]',
        'verbs: ["get", "create", "update", "patch"]',
      ],
      'service.yaml': ['kind: Service'],
      'networkpolicy.yaml': ['kind: NetworkPolicy', '- Ingress', '- Egress', 'port: 53', 'ipBlock:'],
      'pdb.yaml': ['kind: PodDisruptionBudget'],
      'servicemonitor.yaml': ['kind: ServiceMonitor', 'path: /metrics'],
      'prometheusrule.yaml': ['kind: PrometheusRule'],
      'backup-cronjob.yaml': ['kind: CronJob', '"db", "backup"', 'aws s3 cp', 'podAffinity:'],
    };
    for (const [file, fields] of Object.entries(required)) {
      const text = template(file);
      for (const field of fields) expect(text, `${file}: ${field}`).toContain(field);
    }
  });

  it('alert expressions in the PrometheusRule template use only metrics the server exports', () => {
    const text = template('prometheusrule.yaml');
    const exprs = [...text.matchAll(/^\s+expr: (.+)$/gm)].map((m) => m[1]!);
    expect(exprs.length).toBeGreaterThanOrEqual(10);
    const known = knownSeries();
    for (const expr of exprs) {
      const names = metricNamesIn(expr);
      expect(names.length, expr).toBeGreaterThan(0);
      for (const name of names) expect(known.has(name), name).toBe(true);
    }
  });
});

describe('Grafana dashboard', () => {
  const dashboard = JSON.parse(readFileSync(DASHBOARD_FILE, 'utf8')) as {
    uid: string;
    panels: { type: string; title: string; targets?: { expr: string }[] }[];
    templating: { list: { name: string }[] };
  };
  const exprs = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })));

  it('queries only metrics the server exports, scoped by the namespace and job variables', () => {
    const known = knownSeries();
    expect(exprs.length).toBeGreaterThan(20);
    for (const { panel, expr } of exprs) {
      for (const name of metricNamesIn(expr)) expect(known.has(name), `${panel}: ${name}`).toBe(true);
      expect(expr, panel).toContain('namespace="$namespace",job="$job"');
    }
    expect(dashboard.templating.list.map((v) => v.name)).toEqual(['datasource', 'namespace', 'job']);
  });

  it('covers the required views', () => {
    const used = new Set(exprs.flatMap((e) => metricNamesIn(e.expr)));
    for (const name of [
      'hyperdesk_equity_usd',
      'hyperdesk_pnl_realized_usd',
      'hyperdesk_pnl_unrealized_usd',
      'hyperdesk_open_positions',
      'hyperdesk_orders',
      'hyperdesk_order_rejections_total',
      'hyperdesk_daily_loss_used_ratio',
      'hyperdesk_circuit_breaker_open',
      'hyperdesk_kill_switch_engaged',
      'hyperdesk_rate_limit_used_ratio',
      'hyperdesk_ws_reconnects_total',
      'hyperdesk_candle_lag_seconds',
      'nodejs_eventloop_lag_seconds',
      'hyperdesk_llm_tokens_total',
      'hyperdesk_llm_cost_usd_total',
      'hyperdesk_api_request_duration_seconds_bucket',
    ]) {
      expect(used.has(name), name).toBe(true);
    }
  });

  it('the panels have unique ids and titles', () => {
    const titles = dashboard.panels.map((p) => p.title);
    expect(new Set(titles).size).toBe(titles.length);
  });
});

describe('metric names against the server', () => {
  const METRICS_MODULE = join(ROOT, 'src', 'server', 'metrics', 'serve-metrics.ts');

  it.skipIf(!existsSync(METRICS_MODULE))(
    'every metric the infra relies on is registered by ServeMetrics, with its type',
    async () => {
      const { ServeMetrics } = (await import(pathToFileURL(METRICS_MODULE).href)) as {
        ServeMetrics: new () => { registry: { getMetricsAsJSON(): Promise<{ name: string; type: string }[]> } };
      };
      const registered = new Map(
        (await new ServeMetrics().registry.getMetricsAsJSON()).map((m) => [m.name, String(m.type)] as const),
      );
      for (const [name, type] of Object.entries(SERVER_METRICS)) expect(registered.get(name), name).toBe(type);
      expect(registered.get('nodejs_eventloop_lag_seconds')).toBe('gauge');
      expect(registered.get('process_resident_memory_bytes')).toBe('gauge');
    },
  );
});

import { ExternalSecret, SecretStore } from '@kubernetes-models/external-secrets/external-secrets.io/v1';
import { PrometheusRule, ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { CronJob } from 'kubernetes-models/batch/v1';
import { Ingress, NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { Role, RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import { ConfigMap, PersistentVolumeClaim, Service, ServiceAccount } from 'kubernetes-models/v1';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadServeConfig } from '../../../src/server/config/load-serve-config.ts';
import { tempDir } from '../../helpers/paths.ts';
import {
  CHART_DIR,
  at,
  findHelm,
  helm,
  knownSeries,
  metricNamesIn,
  parseYamlDocs,
  type K8sObject,
} from '../../unit/infra/infra-helpers.ts';

/** A model class of kubernetes-models: validates an object against the API's OpenAPI schema. */
type Model = new (data: never) => { validate(): void };

/** Every kind the chart renders, with the schema it must satisfy. */
const MODELS: Readonly<Record<string, Model>> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Service': Service,
  'v1/ServiceAccount': ServiceAccount,
  'v1/PersistentVolumeClaim': PersistentVolumeClaim,
  'apps/v1/Deployment': Deployment,
  'batch/v1/CronJob': CronJob,
  'rbac.authorization.k8s.io/v1/Role': Role,
  'rbac.authorization.k8s.io/v1/RoleBinding': RoleBinding,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'networking.k8s.io/v1/Ingress': Ingress,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor,
  'monitoring.coreos.com/v1/PrometheusRule': PrometheusRule,
  'external-secrets.io/v1/ExternalSecret': ExternalSecret,
  'external-secrets.io/v1/SecretStore': SecretStore,
};

const HELM = findHelm();
if (!HELM && process.env.HYPERDESK_REQUIRE_HELM === '1') {
  throw new Error('helm is required (HYPERDESK_REQUIRE_HELM=1) but neither HYPERDESK_HELM nor helm on PATH was found');
}

const tmp = tempDir('hyperdesk-helm-');
afterAll(() => tmp.remove());

const DIGEST = `sha256:${'ab'.repeat(32)}`;
const TOKEN = { name: 'test', role: 'admin', sha256: 'c'.repeat(64) };
/** What the default values leave for the operator to set. */
const MINIMAL = [
  '--set',
  'image.repository=registry.example.com/hyperdesk',
  '--set',
  'secrets.externalSecret.remoteKey=hyperdesk/test/keys',
  '--set',
  'secrets.externalSecret.secretStore.roleArn=arn:aws:iam::123456789012:role/test',
  '--set-json',
  `auth.tokens=${JSON.stringify([TOKEN])}`,
];

function render(release: string, args: string[]): K8sObject[] {
  const out = helm(HELM!, ['template', release, CHART_DIR, '--namespace', 'trading', ...args]);
  return parseYamlDocs(out, 'helm template').filter((d): d is K8sObject => d !== null);
}

function one(objects: K8sObject[], kind: string, nameSuffix = ''): K8sObject {
  const found = objects.filter((o) => o.kind === kind && o.metadata.name.endsWith(nameSuffix));
  expect(found, `${kind} *${nameSuffix}`).toHaveLength(1);
  return found[0]!;
}

describe.skipIf(!HELM)('helm chart (rendered by helm, checked against the Kubernetes schemas)', () => {
  const renders: Record<string, K8sObject[]> = {};

  beforeAll(() => {
    renders.defaults = render('rel', MINIMAL);
    renders.staging = render('hyperdesk', ['-f', join(CHART_DIR, 'values-staging.yaml'), '--set', 'image.tag=1.2.3']);
    renders.production = render('hyperdesk', [
      '-f',
      join(CHART_DIR, 'values-production.yaml'),
      '--set',
      'image.tag=1.2.3',
      '--set',
      `image.digest=${DIGEST}`,
    ]);
  });

  it('helm lint passes for the defaults and both environments (values.schema.json included)', () => {
    expect(helm(HELM!, ['lint', CHART_DIR, '--strict', ...MINIMAL])).toContain('0 chart(s) failed');
    for (const env of ['staging', 'production']) {
      const out = helm(HELM!, [
        'lint',
        CHART_DIR,
        '--strict',
        '-f',
        join(CHART_DIR, `values-${env}.yaml`),
        '--set',
        `image.digest=${DIGEST}`,
      ]);
      expect(out).toContain('0 chart(s) failed');
    }
  });

  it('every rendered object is a known kind that passes its API schema', () => {
    for (const [env, objects] of Object.entries(renders)) {
      for (const object of objects) {
        const model = MODELS[`${object.apiVersion}/${object.kind}`];
        expect(model, `${env}: unexpected ${object.apiVersion} ${object.kind}`).toBeDefined();
        expect(
          () => new model!(object as never).validate(),
          `${env}: ${object.kind} ${object.metadata.name}`,
        ).not.toThrow();
        expect(object.metadata.namespace, `${object.kind} namespace`).toBe('trading');
      }
    }
  });

  it('production renders every required resource', () => {
    const kinds = new Set(renders.production!.map((o) => o.kind));
    for (const kind of [
      'Deployment',
      'PersistentVolumeClaim',
      'ExternalSecret',
      'SecretStore',
      'ConfigMap',
      'ServiceAccount',
      'Role',
      'RoleBinding',
      'Service',
      'NetworkPolicy',
      'PodDisruptionBudget',
      'ServiceMonitor',
      'PrometheusRule',
      'CronJob',
    ]) {
      expect(kinds.has(kind), kind).toBe(true);
    }
  });

  it('the Deployment: one replica, Recreate, probes, hardened pod and container, downward API, grace > graceMs', () => {
    for (const env of ['defaults', 'staging', 'production'] as const) {
      const objects = renders[env]!;
      const deploy = one(objects, 'Deployment');
      const pod = at(deploy, 'spec.template.spec') as Record<string, unknown>;
      const container = at(pod, 'containers.0') as Record<string, unknown>;
      expect(at(deploy, 'spec.replicas')).toBe(1);
      expect(at(deploy, 'spec.strategy.type')).toBe('Recreate');
      expect(container.args).toEqual(['serve', '--config', '/etc/hyperdesk/config.yaml']);
      expect(at(container, 'livenessProbe.httpGet.path')).toBe('/healthz');
      expect(at(container, 'readinessProbe.httpGet.path')).toBe('/readyz');
      expect(at(container, 'ports.0.containerPort')).toBe(8787);
      expect(at(container, 'resources.requests.memory')).toBeTruthy();
      expect(at(container, 'resources.limits.memory')).toBeTruthy();
      expect(at(pod, 'securityContext')).toMatchObject({
        runAsNonRoot: true,
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(at(container, 'securityContext')).toMatchObject({
        runAsNonRoot: true,
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      });
      const env_ = container.env as { name: string; value?: string; valueFrom?: unknown }[];
      expect(env_.find((e) => e.name === 'POD_NAME')?.valueFrom).toEqual({ fieldRef: { fieldPath: 'metadata.name' } });
      expect(env_.find((e) => e.name === 'POD_NAMESPACE')?.valueFrom).toEqual({
        fieldRef: { fieldPath: 'metadata.namespace' },
      });
      const mounts = Object.fromEntries(
        (container.volumeMounts as { name: string; mountPath: string; readOnly?: boolean }[]).map((m) => [
          m.mountPath,
          m,
        ]),
      );
      // Writable: only the data volume and /tmp (the root filesystem is read-only).
      expect(Object.keys(mounts).sort()).toEqual([
        '/etc/hyperdesk',
        '/tmp',
        '/var/lib/hyperdesk',
        '/var/run/secrets/hyperdesk',
      ]);
      expect(mounts['/etc/hyperdesk']!.readOnly).toBe(true);
      expect(mounts['/var/run/secrets/hyperdesk']!.readOnly).toBe(true);
      const volumes = pod.volumes as { name: string; persistentVolumeClaim?: { claimName: string } }[];
      const claim = volumes.find((v) => v.name === mounts['/var/lib/hyperdesk']!.name)?.persistentVolumeClaim
        ?.claimName;
      expect(one(objects, 'PersistentVolumeClaim').metadata.name).toBe(claim);

      const config = parseYaml(one(objects, 'ConfigMap').data!['config.yaml']!) as {
        shutdown: { graceMs: number };
        server: { port: number };
      };
      expect(pod.terminationGracePeriodSeconds as number).toBeGreaterThan(config.shutdown.graceMs / 1000);
      expect(config.server.port).toBe(8787);
    }
    const prod = one(renders.production!, 'Deployment');
    expect(at(prod, 'spec.template.spec.containers.0.image')).toBe(
      `123456789012.dkr.ecr.eu-west-1.amazonaws.com/hyperdesk@${DIGEST}`,
    );
    expect(at(one(renders.staging!, 'Deployment'), 'spec.template.spec.containers.0.image')).toBe(
      '123456789012.dkr.ecr.eu-west-1.amazonaws.com/hyperdesk:1.2.3',
    );
  });

  it('config.yaml: a kubernetes Lease named <release>-hyperdesk in the release namespace, identity from the pod name', () => {
    const objects = renders.production!;
    const config = parseYaml(one(objects, 'ConfigMap').data!['config.yaml']!) as Record<
      string,
      Record<string, unknown>
    >;
    expect(config.leader).toEqual({
      kind: 'kubernetes',
      name: 'hyperdesk-hyperdesk',
      namespace: 'trading',
      leaseSeconds: 15,
      renewSeconds: 5,
    });
    expect(config.shutdown).toEqual({ graceMs: 30000, openOrders: 'keep' });
    expect(config.auth!.tokens).toHaveLength(3);
    expect(config.server).toMatchObject({
      host: '0.0.0.0',
      port: 8787,
      allowRemote: true,
      dataDir: '/var/lib/hyperdesk',
    });
    expect(config.secrets).toBe('file:/var/run/secrets/hyperdesk');
    expect(config.trading).toMatchObject({ mode: 'live', network: 'mainnet', confirmMainnet: true });
    expect(parseYaml(one(renders.staging!, 'ConfigMap').data!['config.yaml']!)).toMatchObject({
      trading: { network: 'testnet' },
    });
    expect(parseYaml(one(renders.defaults!, 'ConfigMap').data!['config.yaml']!)).toMatchObject({
      leader: { name: 'rel-hyperdesk' },
    });
  });

  it("the rendered config.yaml of every environment loads with the server's own loader (as in the pod)", async () => {
    for (const env of ['defaults', 'staging', 'production'] as const) {
      const file = join(tmp.dir, `config-${env}.yaml`);
      writeFileSync(file, one(renders[env]!, 'ConfigMap').data!['config.yaml']!);
      const { config } = await loadServeConfig({
        file,
        env: { POD_NAME: 'hyperdesk-7d9f-abcde', POD_NAMESPACE: 'trading', HYPERDESK_DATA_DIR: '/var/lib/hyperdesk' },
      });
      expect(config.leader).toMatchObject({
        kind: 'kubernetes',
        identity: 'hyperdesk-7d9f-abcde',
        namespace: 'trading',
      });
      expect(config.server.port).toBe(8787);
      expect(config.secrets).toBe('file:/var/run/secrets/hyperdesk');
    }
  });

  it('RBAC: the engine ServiceAccount may get/create/update/patch leases in its namespace, nothing else', () => {
    const objects = renders.production!;
    const role = one(objects, 'Role');
    expect(at(role, 'rules')).toEqual([
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update', 'patch'] },
    ]);
    const binding = one(objects, 'RoleBinding');
    const deploy = one(objects, 'Deployment');
    expect(at(binding, 'roleRef.name')).toBe(role.metadata.name);
    expect(at(binding, 'subjects.0.name')).toBe(at(deploy, 'spec.template.spec.serviceAccountName'));
  });

  it('keys: an ExternalSecret from Secrets Manager fills the Secret mounted at /var/run/secrets/hyperdesk', () => {
    const objects = renders.production!;
    const external = one(objects, 'ExternalSecret');
    const store = one(objects, 'SecretStore');
    expect(at(external, 'spec.secretStoreRef.name')).toBe(store.metadata.name);
    expect(at(store, 'spec.provider.aws.service')).toBe('SecretsManager');
    const data = at(external, 'spec.data') as { secretKey: string; remoteRef: { key: string } }[];
    expect(data.map((d) => d.secretKey).sort()).toEqual(['anthropic-api-key', 'signing-key']);
    expect(new Set(data.map((d) => d.remoteRef.key))).toEqual(new Set(['hyperdesk/production/keys']));
    const volumes = at(one(objects, 'Deployment'), 'spec.template.spec.volumes') as {
      name: string;
      secret?: { secretName: string };
    }[];
    expect(volumes.find((v) => v.name === 'keys')?.secret?.secretName).toBe(at(external, 'spec.target.name'));
    // The secret store's IRSA identity is not the engine's.
    const storeSa = at(store, 'spec.provider.aws.auth.jwt.serviceAccountRef.name');
    expect(storeSa).not.toBe(at(one(objects, 'Deployment'), 'spec.template.spec.serviceAccountName'));
  });

  it('NetworkPolicy: ingress from monitoring and the ingress controller; egress DNS, exchange, Anthropic, API server only', () => {
    const policy = one(renders.production!, 'NetworkPolicy');
    expect(at(policy, 'spec.policyTypes')).toEqual(['Ingress', 'Egress']);
    const from = at(policy, 'spec.ingress.0.from') as unknown[];
    expect(JSON.stringify(from)).toContain('"kubernetes.io/metadata.name":"monitoring"');
    expect(JSON.stringify(from)).toContain('"kubernetes.io/metadata.name":"ingress-nginx"');
    const egress = at(policy, 'spec.egress') as { to: unknown[]; ports: { port: number; protocol: string }[] }[];
    expect(egress).toHaveLength(4);
    expect(egress[0]!.ports.map((p) => p.port)).toEqual([53, 53]);
    const cidrs = egress.slice(1).map((rule) => rule.to.map((t) => at(t, 'ipBlock.cidr')));
    expect(cidrs).toEqual([['10.30.200.0/24'], ['160.79.104.0/23'], ['10.30.0.0/16', '172.20.0.1/32']]);
    for (const rule of egress.slice(1)) expect(rule.ports).toEqual([{ port: 443, protocol: 'TCP' }]);
    // The engine dials the `kubernetes` Service's ClusterIP (KUBERNETES_SERVICE_HOST); the VPC CNI
    // enforces egress before kube-proxy's DNAT, so the VPC CIDR alone would cut off the Lease.
    for (const env of ['staging', 'production'] as const) {
      const rules = at(one(renders[env]!, 'NetworkPolicy'), 'spec.egress') as { to: unknown[] }[];
      const allowed = rules.flatMap((rule) => rule.to.map((t) => at(t, 'ipBlock.cidr')));
      expect(allowed, env).toContain('172.20.0.1/32');
    }
  });

  it('PodDisruptionBudget and ServiceMonitor select the engine pod; the Service exposes /metrics', () => {
    const objects = renders.production!;
    const selector = at(one(objects, 'Deployment'), 'spec.selector.matchLabels');
    expect(at(one(objects, 'PodDisruptionBudget'), 'spec.selector.matchLabels')).toEqual(selector);
    expect(at(one(objects, 'PodDisruptionBudget'), 'spec.maxUnavailable')).toBe(0);
    expect(at(one(objects, 'Service'), 'spec.selector')).toEqual(selector);
    // One replica: a not-ready pod (venue down, stale candles) must still serve the API (kill
    // switch) and the UI through the Service and the Ingress.
    expect(at(one(objects, 'Service'), 'spec.publishNotReadyAddresses')).toBe(true);
    const monitor = one(objects, 'ServiceMonitor');
    expect(at(monitor, 'spec.endpoints.0')).toMatchObject({ port: 'http', path: '/metrics' });
    const serviceLabels = one(objects, 'Service').metadata.labels!;
    for (const [k, v] of Object.entries(at(monitor, 'spec.selector.matchLabels') as Record<string, string>)) {
      expect(serviceLabels[k]).toBe(v);
    }
  });

  it('PrometheusRule: every required alert, using only metric names the server exports', () => {
    const rule = one(renders.production!, 'PrometheusRule');
    const rules = (
      at(rule, 'spec.groups') as { rules: { alert: string; expr: string; labels: Record<string, string> }[] }[]
    ).flatMap((g) => g.rules);
    // max(...) and sum(...) drop the namespace label: without a static one, ALERTS{namespace=...}
    // (the dashboard's alert list) and namespace-based routing never see these alerts.
    for (const r of rules) expect(r.labels.namespace, r.alert).toBe('trading');
    const alerts = rules.map((r) => r.alert);
    for (const required of [
      'HyperdeskDown',
      'HyperdeskErrorRate',
      'HyperdeskDailyLossLimitHit',
      'HyperdeskPositionStuck',
      'HyperdeskCircuitBreakerTripped',
      'HyperdeskExchangeDisconnected',
      'HyperdeskRateLimitNear',
      'HyperdeskDatabaseErrors',
    ]) {
      expect(alerts, required).toContain(required);
    }
    const known = knownSeries();
    for (const r of rules) {
      const names = metricNamesIn(r.expr);
      expect(names.length, r.alert).toBeGreaterThan(0);
      for (const name of names) expect(known.has(name), `${r.alert}: ${name}`).toBe(true);
      // Scoped to this release's series.
      expect(r.expr, r.alert).toContain('namespace="trading",job="hyperdesk"');
    }
    // No trading section, no venue connection: the disconnection alert would page for good.
    const defaults = (at(one(renders.defaults!, 'PrometheusRule'), 'spec.groups') as { rules: { alert: string }[] }[])
      .flatMap((g) => g.rules)
      .map((r) => r.alert);
    expect(defaults).not.toContain('HyperdeskExchangeDisconnected');
    expect(defaults).toContain('HyperdeskDown');
    // Thresholds come from the environment's values.
    expect(rules.find((r) => r.alert === 'HyperdeskPositionStuck')!.expr).toContain('> 86400');
  });

  it('backup CronJob: runs hyperdesk db backup on the engine node, then uploads to the S3 prefix', () => {
    const cron = one(renders.production!, 'CronJob');
    const pod = at(cron, 'spec.jobTemplate.spec.template.spec') as Record<string, unknown>;
    expect(at(cron, 'spec.concurrencyPolicy')).toBe('Forbid');
    expect(at(pod, 'initContainers.0.args')).toEqual([
      'db',
      'backup',
      '--data-dir',
      '/var/lib/hyperdesk',
      '--out',
      '/backup/hyperdesk.db',
      '--json',
    ]);
    expect(String(at(pod, 'containers.0.args.0'))).toContain('s3://hyperdesk-production-backups-123456789012/journal/');
    expect(at(pod, 'affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution.0.topologyKey')).toBe(
      'kubernetes.io/hostname',
    );
    expect(at(pod, 'securityContext.runAsNonRoot')).toBe(true);
    // It must land on the engine's (dedicated, tainted) node.
    const engine = at(one(renders.production!, 'Deployment'), 'spec.template.spec') as Record<string, unknown>;
    expect(pod.tolerations).toEqual(engine.tolerations);
    expect(pod.nodeSelector).toEqual(engine.nodeSelector);
  });

  it('refuses unsafe values with a message naming them', () => {
    const prodNoDigest = ['-f', join(CHART_DIR, 'values-production.yaml')];
    expect(() => render('hyperdesk', prodNoDigest)).toThrow(/digest/);
    expect(() => render('rel', [...MINIMAL, '--set', 'terminationGracePeriodSeconds=20'])).toThrow(
      /terminationGracePeriodSeconds \(20\) must be greater than shutdown.graceMs/,
    );
    expect(() => render('rel', [...MINIMAL, '--set', 'image.tag=latest'])).toThrow(/tag/);
    expect(() => render('rel', [...MINIMAL.slice(0, -2)])).toThrow(/auth.tokens/);
    expect(() => render('rel', [...MINIMAL, '--set', 'config.server.port=1'])).toThrow(/config/);
    // Live with an agent key and no account: orders would trade one account while the engine
    // watched another (the agent's own, empty).
    const liveNoAccount = [
      '--set',
      'config.trading.mode=live',
      '--set',
      'config.trading.coin=BTC',
      '--set',
      'config.trading.strategy.name=sma-cross',
    ];
    expect(() => render('rel', [...MINIMAL, ...liveNoAccount])).toThrow(/config.trading.account: required/);
    expect(() =>
      render('hyperdesk', [
        '-f',
        join(CHART_DIR, 'values-production.yaml'),
        '--set',
        `image.digest=${DIGEST}`,
        '--set',
        'config.trading.account=',
      ]),
    ).toThrow(/config.trading.account: required/);
  });
});

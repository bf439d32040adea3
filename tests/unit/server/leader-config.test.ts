import { describe, expect, it } from 'vitest';
import { createLeaderElector } from '../../../src/server/leader/create-leader-elector.ts';
import { FileLeaderElector } from '../../../src/server/leader/file-leader.ts';
import { formatMicroTime, kubeApiUrl, parseMicroTime } from '../../../src/server/leader/kube-lease-client.ts';
import { KubernetesLeaderElector } from '../../../src/server/leader/kubernetes-leader.ts';
import { LeaderConfigSchema, type KubernetesLeaderConfig } from '../../../src/server/leader/leader-elector.ts';
import { ConfigurationError } from '../../../src/shared/contract/errors.ts';

const kube: KubernetesLeaderConfig = {
  kind: 'kubernetes',
  apiUrl: 'http://127.0.0.1:1',
  namespace: 'trading',
  name: 'acct',
  identity: 'pod-a',
  leaseSeconds: 15,
  renewSeconds: 5,
  tokenPath: '/nonexistent/token',
  caPath: '/nonexistent/ca.crt',
};

describe('leader config', () => {
  it('fills the documented defaults', () => {
    const parsed = LeaderConfigSchema.parse({
      kind: 'kubernetes',
      namespace: 'trading',
      name: 'acct',
      identity: 'pod-a',
    });
    expect(parsed).toMatchObject({
      leaseSeconds: 15,
      renewSeconds: 5,
      tokenPath: '/var/run/secrets/kubernetes.io/serviceaccount/token',
      caPath: '/var/run/secrets/kubernetes.io/serviceaccount/ca.crt',
    });
    expect(LeaderConfigSchema.parse({ kind: 'file', path: 'leader.lease' })).toMatchObject({
      leaseMs: 15_000,
      renewMs: 5_000,
    });
  });

  it('rejects a renewal period that leaves a leader no second try, naming the field', () => {
    const file = LeaderConfigSchema.safeParse({ kind: 'file', path: 'x', leaseMs: 1000, renewMs: 500 });
    expect(file.success).toBe(false);
    expect(file.error?.issues[0]?.path).toEqual(['renewMs']);
    expect(file.error?.issues[0]?.message).toMatch(/≤ 400/);
    const k8s = LeaderConfigSchema.safeParse({ ...kube, leaseSeconds: 10, renewSeconds: 5 });
    expect(k8s.success).toBe(false);
    expect(k8s.error?.issues[0]?.path).toEqual(['renewSeconds']);
    expect(LeaderConfigSchema.safeParse({ ...kube, leaseSeconds: 10, renewSeconds: 4 }).success).toBe(true);
  });

  it('rejects unknown keys', () => {
    expect(LeaderConfigSchema.safeParse({ kind: 'file', path: 'x', leaseSecs: 3 }).success).toBe(false);
  });
});

describe('MicroTime', () => {
  it('formats RFC 3339 in UTC with six fraction digits', () => {
    expect(formatMicroTime(Date.UTC(2026, 10, 25, 14, 0, 0, 0))).toBe('2026-11-25T14:00:00.000000Z');
    expect(formatMicroTime(Date.UTC(2026, 10, 25, 14, 0, 0, 123))).toBe('2026-11-25T14:00:00.123000Z');
  });

  it('parses MicroTime, Time and offsets, and nothing else', () => {
    expect(parseMicroTime('2026-11-25T14:00:00.123456Z')).toBe(Date.UTC(2026, 10, 25, 14, 0, 0, 123));
    expect(parseMicroTime('2026-11-25T14:00:00Z')).toBe(Date.UTC(2026, 10, 25, 14, 0, 0, 0));
    expect(parseMicroTime('2026-11-25T15:00:00.5+01:00')).toBe(Date.UTC(2026, 10, 25, 14, 0, 0, 500));
    expect(parseMicroTime('yesterday')).toBeNaN();
    expect(parseMicroTime('')).toBeNaN();
  });
});

describe('Kubernetes API location', () => {
  it('uses the configured URL, else the in-cluster service', () => {
    expect(kubeApiUrl('https://api.example:6443', {})).toBe('https://api.example:6443');
    expect(kubeApiUrl(undefined, { KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '443' })).toBe(
      'https://10.0.0.1:443',
    );
    expect(kubeApiUrl(undefined, { KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '443' })).toBe(
      'https://[fd00::1]:443',
    );
  });

  it('fails fast, naming leader.apiUrl, outside a pod without a URL', () => {
    expect(() => kubeApiUrl(undefined, {})).toThrow(ConfigurationError);
    expect(() => new KubernetesLeaderElector({ ...kube, apiUrl: undefined }, () => {}, { env: {} })).toThrow(
      /leader\.apiUrl/,
    );
  });

  it('refuses plain HTTP to anything but this machine, so the token never crosses a network in clear', () => {
    expect(() => new KubernetesLeaderElector({ ...kube, apiUrl: 'http://10.0.0.1:8080' }, () => {})).toThrow(
      /leader\.apiUrl: must be https/,
    );
    for (const apiUrl of ['http://127.0.0.1:8001', 'http://localhost:8001', 'http://[::1]:8001', 'https://10.0.0.1']) {
      expect(() => new KubernetesLeaderElector({ ...kube, apiUrl }, () => {})).not.toThrow();
    }
  });

  it('refuses unsafe timing even when the schema was bypassed', () => {
    expect(() => new KubernetesLeaderElector({ ...kube, renewSeconds: 10 }, () => {})).toThrow(/leader\.renewSeconds/);
    expect(() => new KubernetesLeaderElector(kube, () => {}, { renewMs: 700, env: {} })).not.toThrow();
  });
});

describe('createLeaderElector', () => {
  it('builds the elector the config names', () => {
    expect(
      createLeaderElector({ kind: 'file', path: '/tmp/x.lease', leaseMs: 1000, renewMs: 200 }, () => {}),
    ).toBeInstanceOf(FileLeaderElector);
    expect(createLeaderElector(kube, () => {})).toBeInstanceOf(KubernetesLeaderElector);
  });

  it('with kind none leads from start() until stop(), and says so', async () => {
    const messages: string[] = [];
    const elector = createLeaderElector({ kind: 'none' }, (_level, msg) => messages.push(msg));
    const changes: boolean[] = [];
    const unsubscribe = elector.onChange((leader) => changes.push(leader));
    expect(elector.isLeader()).toBe(false);
    await elector.start();
    expect(elector.isLeader()).toBe(true);
    await elector.stop();
    expect(elector.isLeader()).toBe(false);
    expect(changes).toEqual([true, false]);
    unsubscribe();
    await elector.start();
    expect(changes).toEqual([true, false]);
    expect(messages.some((m) => m.includes('leader.kind: none'))).toBe(true);
  });
});

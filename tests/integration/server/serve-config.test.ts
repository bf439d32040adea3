import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { envNameOf, loadServeConfig } from '../../../src/server/config/load-serve-config.ts';
import { runHyperdesk } from '../../helpers/cli-process.ts';
import { tempDir } from '../../helpers/paths.ts';

const tmp = tempDir();
afterAll(() => tmp.remove());

function file(name: string, text: string): string {
  const path = join(tmp.dir, name);
  writeFileSync(path, text);
  return path;
}

const PAPER = `
server:
  port: 9000
  dataDir: ${JSON.stringify(join(tmp.dir, 'data'))}
trading:
  mode: paper
  coin: BTC
  apiUrl: http://127.0.0.1:1
  capital: 25000
  strategy:
    name: sma-cross
    params: { fast: 3, slow: 8 }
    sizing: risk:1
  risk:
    dailyLossLimit: 250
shutdown:
  openOrders: cancel
`;

describe('serve configuration', () => {
  it('reads a YAML file with defaults filled in and the strategy resolved', async () => {
    const { config, strategy } = await loadServeConfig({ file: file('ok.yaml', PAPER), env: {} });
    expect(config.server).toMatchObject({ host: '127.0.0.1', port: 9000, allowRemote: false });
    // Written as YAML numbers, money stays an exact decimal string.
    expect(config.trading).toMatchObject({ mode: 'paper', coin: 'BTC', interval: '1m', capital: '25000' });
    expect(config.trading?.risk.dailyLossLimit).toBe('250');
    expect(config.trading?.risk.maxLeverage).toBe(5);
    expect(config.shutdown).toEqual({ graceMs: 20_000, openOrders: 'cancel' });
    expect(config.leader).toEqual({ kind: 'none' });
    expect(config.auth.tokens).toEqual([]);
    expect(strategy).toMatchObject({
      id: 'sma-cross',
      params: { fast: 3, slow: 8 },
      sizing: { kind: 'risk', percent: 1 },
    });
  });

  it('environment variables override the file, flags override both', async () => {
    const env = {
      HYPERDESK_SERVER_PORT: '8800',
      HYPERDESK_SERVER_ALLOWED_HOSTS: 'desk.example,ops.example',
      HYPERDESK_TRADING_RISK_DAILY_LOSS_LIMIT: '99.5',
      HYPERDESK_SHUTDOWN_GRACE_MS: '5000',
      HYPERDESK_LEADER_KIND: 'file',
      HYPERDESK_LEADER_PATH: '/tmp/lease',
      HYPERDESK_LOG_LEVEL: 'warn',
      // Not a config section: left to the code that reads it.
      HYPERDESK_SIGNING_KEY: 'not-config',
      HYPERDESK_DATA_DIR: '/elsewhere',
    };
    const { config } = await loadServeConfig({ file: file('env.yaml', PAPER), env });
    expect(config.server.port).toBe(8800);
    expect(config.server.allowedHosts).toEqual(['desk.example', 'ops.example']);
    expect(config.trading?.risk.dailyLossLimit).toBe('99.5');
    expect(config.shutdown.graceMs).toBe(5000);
    expect(config.leader).toEqual({ kind: 'file', path: '/tmp/lease', leaseMs: 15_000, renewMs: 5_000 });
    expect(config.log.level).toBe('warn');
    const flagged = await loadServeConfig({
      file: file('env.yaml', PAPER),
      env,
      flags: { port: '0', host: 'localhost' },
    });
    expect(flagged.config.server.port).toBe(0);
    expect(flagged.config.server.host).toBe('localhost');
    expect(envNameOf(['trading', 'risk', 'maxConsecutiveLosses'])).toBe(
      'HYPERDESK_TRADING_RISK_MAX_CONSECUTIVE_LOSSES',
    );
  });

  it('a bad value in the file names the key and the file', async () => {
    const bad = file('bad.yaml', 'server:\n  port: 70000\n');
    await expect(loadServeConfig({ file: bad, env: {} })).rejects.toThrow(
      'config: server.port: must be ≤ 65535 (file bad.yaml)',
    );
    const unknown = file('unknown.yaml', 'server:\n  prot: 80\nshutdown:\n  openOrders: close\n');
    const error = await loadServeConfig({ file: unknown, env: {} }).then(
      () => new Error('accepted'),
      (e: unknown) => e as Error,
    );
    expect(error.message).toMatch(/server\.prot: unknown key; server takes host, port, .* \(file unknown\.yaml\)/);
    expect(error.message).toMatch(/shutdown\.openOrders: .*"keep".*"cancel".* \(file unknown\.yaml\)/);
  });

  it('a bad value in the environment names the variable', async () => {
    await expect(loadServeConfig({ env: { HYPERDESK_SERVER_PORT: 'eighty' } })).rejects.toThrow(
      /config: server\.port: .*number.* \(env HYPERDESK_SERVER_PORT\)/,
    );
    await expect(loadServeConfig({ env: { HYPERDESK_SERVER_PROT: '80' } })).rejects.toThrow(
      /HYPERDESK_SERVER_PROT: no such setting; server takes HYPERDESK_SERVER_HOST, HYPERDESK_SERVER_PORT/,
    );
    await expect(
      loadServeConfig({ file: file('env-bad.yaml', PAPER), env: { HYPERDESK_TRADING_RISK_MAX_LEVERAGE: '500' } }),
    ).rejects.toThrow(/trading\.risk\.maxLeverage: .*100.* \(env HYPERDESK_TRADING_RISK_MAX_LEVERAGE\)/);
  });

  it('never echoes a value back in its errors: token hashes and secrets stay out of them', async () => {
    const hash = 'ab'.repeat(32);
    const secret = 'hdk_do-not-echo-this-token-value-0123456789';
    const messages: string[] = [];
    const attempt = async (sources: Parameters<typeof loadServeConfig>[0]) => {
      const error = await loadServeConfig(sources).then(
        () => null,
        (e: unknown) => e as Error,
      );
      expect(error, JSON.stringify(sources.env ?? sources.file)).toBeInstanceOf(Error);
      messages.push(error?.message ?? '');
    };
    // A bad role next to a real hash; a clear token where only its hash belongs; an extra key.
    const tokens = [
      { name: 'ops', role: 'boss', sha256: hash },
      { name: 'ci', role: 'viewer', sha256: secret },
      { name: 'x', role: 'admin', sha256: hash.replace('ab', 'cd'), token: secret },
    ];
    await attempt({ env: { HYPERDESK_AUTH_TOKENS: JSON.stringify(tokens) } });
    await attempt({ env: { HYPERDESK_AUTH_TOKENS: `[${secret}` } });
    await attempt({ env: { HYPERDESK_SECRETS: `vault:${secret}` } });
    await attempt({ env: { HYPERDESK_SERVER_PORT: secret } });
    await attempt({
      file: file('bad-token.yaml', `auth:\n  tokens:\n    - { name: ops, role: admin, sha256: "${secret}\n`),
    });
    await attempt({ file: file('bad-token.json', `{"auth": {"tokens": [{"sha256": "${hash}", }]}}`) });
    expect(messages.join('\n')).toMatch(/auth\.tokens\.0\.role/);
    for (const message of messages) {
      expect(message).not.toContain(secret);
      expect(message).not.toContain(hash);
    }
  });

  it('checks across keys: strategy, mainnet confirmation, leverage, remote listening', async () => {
    await expect(
      loadServeConfig({ file: file('strategy.yaml', PAPER.replace('fast: 3', 'fats: 3')), env: {} }),
    ).rejects.toThrow(
      /config: trading\.strategy: strategy sma-cross: unknown parameter "fats".*\(file strategy\.yaml\)/,
    );
    const mainnet = PAPER.replace('mode: paper', 'mode: live').replace(
      'apiUrl: http://127.0.0.1:1',
      'network: mainnet',
    );
    await expect(loadServeConfig({ file: file('mainnet.yaml', mainnet), env: {} })).rejects.toThrow(
      /trading\.confirmMainnet: live trading on mainnet uses real money/,
    );
    await expect(
      loadServeConfig({ file: file('lev.yaml', PAPER), env: { HYPERDESK_TRADING_LEVERAGE: '20' } }),
    ).rejects.toThrow(/trading\.leverage: is above risk\.maxLeverage \(env HYPERDESK_TRADING_LEVERAGE\)/);
    await expect(loadServeConfig({ env: {}, flags: { host: '0.0.0.0' } })).rejects.toThrow(
      /server\.allowRemote: .*0\.0\.0\.0.*\(flag --host\)/,
    );
    await expect(loadServeConfig({ file: file('bad.json', '{"server": '), env: {} })).rejects.toThrow(
      /config: bad\.json is not valid JSON/,
    );
  });

  it('a Kubernetes lease takes the pod name and namespace from the downward API', async () => {
    const { config } = await loadServeConfig({
      file: file('kube.yaml', 'leader:\n  kind: kubernetes\n  name: desk-hyperdesk\n'),
      env: { POD_NAME: 'desk-hyperdesk-0', POD_NAMESPACE: 'trading' },
    });
    expect(config.leader).toMatchObject({ kind: 'kubernetes', identity: 'desk-hyperdesk-0', namespace: 'trading' });
  });

  it('a container config: any-address listening protected by tokens, a Lease, identity from the environment', async () => {
    const sha256 = 'a'.repeat(64);
    const { config } = await loadServeConfig({
      file: file(
        'container.yaml',
        `server: { host: 0.0.0.0, port: 8787, allowedHosts: [desk.example.com], dataDir: /var/lib/hyperdesk }
auth: { tokens: [{ name: ops, role: admin, sha256: ${sha256} }] }
secrets: file:/var/run/secrets/hyperdesk
leader: { kind: kubernetes, namespace: trading, name: desk-hyperdesk, leaseSeconds: 15, renewSeconds: 5 }
shutdown: { graceMs: 30000, openOrders: keep }
`,
      ),
      env: { HYPERDESK_LEADER_IDENTITY: 'desk-hyperdesk-7c9f-x2', POD_NAME: 'ignored-when-identity-is-set' },
    });
    expect(config.server.host).toBe('0.0.0.0');
    expect(config.secrets).toBe('file:/var/run/secrets/hyperdesk');
    expect(config.leader).toMatchObject({
      kind: 'kubernetes',
      identity: 'desk-hyperdesk-7c9f-x2',
      namespace: 'trading',
    });
    // Without tokens (or allowRemote) the same address is refused.
    await expect(loadServeConfig({ env: { HYPERDESK_SERVER_HOST: '0.0.0.0' } })).rejects.toThrow(
      /server\.allowRemote: .*add auth\.tokens.*\(env HYPERDESK_SERVER_HOST\)/,
    );
  });

  it('hyperdesk serve --config with a bad key exits with the key named and never listens', async () => {
    const proc = runHyperdesk(['serve', '--config', file('proc.yaml', 'server:\n  port: 70000\n')], {
      HYPERDESK_SHUTDOWN_OPEN_ORDERS: 'close',
    });
    expect(await proc.exited).toBe(1);
    expect(proc.stderr()).toContain('config: server.port: must be ≤ 65535 (file proc.yaml)');
    expect(proc.stderr()).toMatch(/shutdown\.openOrders: .* \(env HYPERDESK_SHUTDOWN_OPEN_ORDERS\)/);
    expect(proc.stdout()).not.toContain('running at');
  });
});

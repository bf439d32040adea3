import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/adapters/sqlite/open-database.ts';
import { readSettings } from '../../../src/adapters/sqlite/settings-repository.ts';
import type { EngineHostConfig } from '../../../src/host/engine-host-config.ts';
import { chosenDataDir } from '../../../src/host/settings/data-folder.ts';
import { claudeModelOf, endpointsOf, feeRatesOf } from '../../../src/host/settings/settings-values.ts';
import { DEFAULT_RISK_RULES } from '../../../src/shared/contract/risk-rules.ts';
import { startContractEngine } from '../../helpers/contract-driver.ts';
import { tempDir } from '../../helpers/paths.ts';

/*
 * The settings through the contract, as the worker serves them (raw messages through
 * `dispatchRequest`, every answer and event parsed with its schema and kept as text): defaults,
 * partial updates validated as a whole and kept across restarts, `readSettings` for other
 * services, and keys written to a secret store in a temp folder, never to the database, an
 * answer, an event or an error. A keychain that cannot be reached fails with a message.
 */

const SIGNING_KEY = `0x${'5e'.repeat(32)}`;
const API_KEY = 'sk-ant-api03-Zq7settingsTestKey-9f8e7d6c5b4a';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Every byte that left the engine in this test, as text. */
const transcript: string[] = [];

async function startEngine(dir: string, secrets: EngineHostConfig['secrets'], config: Partial<EngineHostConfig> = {}) {
  const started = await startContractEngine({
    dir,
    config: { ...config, ...(secrets ? { secrets } : {}) },
    onWire: (message) => transcript.push(JSON.stringify(message)),
  });
  cleanups.push(started.close);
  const { call, fail, events, invalid, engine } = started;
  return { call, fail, events, invalid, engine };
}

function freshDir(): string {
  const tmp = tempDir();
  cleanups.push(tmp.remove);
  return tmp.dir;
}

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

describe('settings commands through the dispatcher', () => {
  it('start from the defaults, take partial updates validated as a whole, and keep them across restarts', async () => {
    const dir = freshDir();
    const secretsDir = join(dir, 'secrets');
    const first = await startEngine(dir, `dir:${secretsDir}`);

    const initial = await first.call('GetSettings', {});
    expect(initial.settings).toEqual({
      network: { kind: 'testnet' },
      accountAddress: null,
      risk: DEFAULT_RISK_RULES,
      fees: { source: 'venue' },
      claudeModel: null,
      dataDir: null,
    });
    expect(initial.secrets).toEqual({ 'signing-key': 'unset', 'anthropic-api-key': 'unset' });
    expect(initial.secretStore).toEqual({ kind: 'dir', describe: `files in ${secretsDir}`, writable: true });
    expect(initial.defaultClaudeModel).toBe('claude-sonnet-5-5');
    expect(initial.claudeModels).toContain('claude-sonnet-5-5');
    expect(initial.dataDirInUse).toBe(dir);
    expect(initial.problems).toEqual([]);

    const address = `0x${'aB'.repeat(20)}`;
    const updated = await first.call('UpdateSettings', {
      network: { kind: 'mainnet' },
      accountAddress: address,
      risk: { riskPercent: 1, maxLeverage: 3 },
      fees: { source: 'custom', makerBps: '1.5', takerBps: '4.5' },
      claudeModel: 'claude-haiku-4-5',
    });
    expect(updated.settings).toEqual({
      network: { kind: 'mainnet' },
      accountAddress: address,
      risk: { ...DEFAULT_RISK_RULES, riskPercent: 1, maxLeverage: 3 },
      fees: { source: 'custom', makerBps: '1.5', takerBps: '4.5' },
      claudeModel: 'claude-haiku-4-5',
      dataDir: null,
    });
    // Only what was sent changes: the rest of the risk rules and the other settings stay.
    const second = await first.call('UpdateSettings', { risk: { dailyLossLimit: '120.5' } });
    expect(second.settings.risk).toEqual({
      ...DEFAULT_RISK_RULES,
      riskPercent: 1,
      maxLeverage: 3,
      dailyLossLimit: '120.5',
    });
    expect(second.settings.network).toEqual({ kind: 'mainnet' });
    const changed = first.events.filter((e) => (e as { event: string }).event === 'SettingsChanged');
    expect(changed).toHaveLength(2);
    expect(first.invalid).toEqual([]);

    // Refusals name the field and change nothing.
    expect(
      (await first.fail('UpdateSettings', { accountAddress: '0xnope', risk: { riskPercent: 5 } })).message,
    ).toMatch(/accountAddress: must be 0x followed by 40 hex digits/);
    expect((await first.fail('UpdateSettings', { claudeModel: 'claude-unknown-9' })).message).toMatch(
      /claudeModel: no prices known for "claude-unknown-9"/,
    );
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    expect((await first.fail('UpdateSettings', { dataDir: file })).message).toMatch(
      /dataDir: .* is a file, not a folder/,
    );
    expect((await first.call('GetSettings', {})).settings.risk.riskPercent).toBe(1);
    // A folder that does not exist yet under a writable one is fine: it is created at the next start.
    const later = join(dir, 'new-home', 'data');
    expect((await first.call('UpdateSettings', { dataDir: later })).settings.dataDir).toBe(later);
    expect(existsSync(later)).toBe(false);
    await first.engine.close();

    // A new engine on the same database sees them; so does readSettings for other services.
    const again = await startEngine(dir, `dir:${secretsDir}`);
    const reread = await again.call('GetSettings', {});
    expect(reread.settings).toEqual({ ...second.settings, dataDir: later });
    await again.engine.close();
    const db = openDatabase(join(dir, 'hyperdesk.db'));
    try {
      const settings = readSettings(db);
      expect(settings.risk.dailyLossLimit).toBe('120.5');
      expect(claudeModelOf(settings)).toBe('claude-haiku-4-5');
      expect(endpointsOf(settings)).toEqual({
        apiUrl: 'https://api.hyperliquid.xyz',
        wsUrl: 'wss://api.hyperliquid.xyz/ws',
        isTestnet: false,
      });
      expect(feeRatesOf(settings)).toEqual({ makerFee: '0.00015', takerFee: '0.00045' });
      // A row edited behind the engine's back: readSettings refuses to guess a risk limit.
      db.prepare("UPDATE settings SET value = ? WHERE key = 'risk'").run('{"riskPercent": -4}');
      expect(() => readSettings(db)).toThrow(/settings: risk\..*riskPercent/);
    } finally {
      db.close();
    }
    const repaired = await startEngine(dir, `dir:${secretsDir}`);
    const view = await repaired.call('GetSettings', {});
    expect(view.settings.risk).toEqual(DEFAULT_RISK_RULES);
    expect(view.problems).toEqual([
      expect.stringMatching(/^risk\.riskPercent: .*the default is shown until the settings are saved again$/),
    ]);
    await repaired.call('UpdateSettings', { risk: { riskPercent: 1.25 } });
    expect((await repaired.call('GetSettings', {})).problems).toEqual([]);
  });

  it('store keys in the secret store only: status "set", never the value in the database, an answer or an event', async () => {
    transcript.length = 0;
    const dir = freshDir();
    const secretsDir = join(dir, 'secrets');
    const e = await startEngine(dir, `dir:${secretsDir}`);

    expect(await e.call('SetSecret', { name: 'signing-key', value: ` ${SIGNING_KEY}\n` })).toEqual({
      name: 'signing-key',
      stored: true,
    });
    expect(await e.call('SetSecret', { name: 'anthropic-api-key', value: API_KEY })).toEqual({
      name: 'anthropic-api-key',
      stored: true,
    });
    const view = await e.call('GetSettings', {});
    expect(view.secrets).toEqual({ 'signing-key': 'set', 'anthropic-api-key': 'set' });
    // In the store, trimmed, readable by this user only.
    expect(readFileSync(join(secretsDir, 'signing-key'), 'utf8').trim()).toBe(SIGNING_KEY);
    expect(statSync(join(secretsDir, 'signing-key')).mode & 0o777).toBe(0o600);

    // A malformed key is refused naming the field, without the value.
    const bad = await e.fail('SetSecret', { name: 'signing-key', value: `${SIGNING_KEY}ff` });
    expect(bad).toMatchObject({ code: 'VALIDATION' });
    expect(bad.message).toMatch(/value: signing-key must be 64 hex digits/);

    await e.call('UpdateSettings', { risk: { maxOpenPositions: 2 } });
    expect(await e.call('DeleteSecret', { name: 'anthropic-api-key' })).toEqual({
      name: 'anthropic-api-key',
      deleted: true,
    });
    expect(await e.call('DeleteSecret', { name: 'anthropic-api-key' })).toEqual({
      name: 'anthropic-api-key',
      deleted: false,
    });
    expect((await e.call('GetSettings', {})).secrets).toEqual({ 'signing-key': 'set', 'anthropic-api-key': 'unset' });
    expect(e.invalid).toEqual([]);
    await e.engine.close();

    const leaks = (text: string) =>
      [SIGNING_KEY, SIGNING_KEY.slice(2), API_KEY].filter((k) => text.toLowerCase().includes(k.toLowerCase()));
    expect(transcript.length).toBeGreaterThan(8);
    expect(leaks(transcript.join('\n'))).toEqual([]);
    // Nothing under the data folder but the secret store holds a key: database, WAL, journal files.
    const stored = filesUnder(dir).filter((f) => !f.startsWith(secretsDir));
    expect(stored.some((f) => f.endsWith('hyperdesk.db'))).toBe(true);
    for (const f of stored)
      expect({ file: f, leaks: leaks(readFileSync(f).toString('latin1')) }).toEqual({ file: f, leaks: [] });
  });

  it('record the chosen data folder where the next start reads it, also from the chosen folder', async () => {
    const home = freshDir();
    expect(chosenDataDir(home)).toBeNull(); // no database yet
    const atHome = await startEngine(home, `dir:${join(home, 'secrets')}`);
    expect(chosenDataDir(home)).toBeNull(); // a database, no choice
    const elsewhere = join(home, 'elsewhere');
    await atHome.call('UpdateSettings', { dataDir: elsewhere, risk: { riskPercent: 1 } });
    expect(chosenDataDir(home)).toBe(elsewhere);
    await atHome.engine.close();

    // The next start: the host opens the chosen folder and says where the choice is kept.
    mkdirSync(elsewhere);
    const d = await startEngine(elsewhere, `dir:${join(home, 'secrets')}`, { dataDirHome: home });
    const view = await d.call('GetSettings', {});
    expect(view.dataDirInUse).toBe(elsewhere);
    expect(view.settings.dataDir).toBe(elsewhere);
    // A new folder starts with its own (empty) database: the other settings are its own.
    expect(view.settings.risk.riskPercent).toBe(2);
    // Going back to the default is recorded at home, where the next start looks.
    await d.call('UpdateSettings', { dataDir: null });
    expect(chosenDataDir(home)).toBeNull();
    expect((await d.call('GetSettings', {})).settings.dataDir).toBeNull();
  });

  it('say so when the keychain cannot be reached, and refuse to write read-only stores', async () => {
    // No Secret Service here (tests run without a session bus): the keychain is unavailable.
    const dir = freshDir();
    const previous = process.env.DBUS_SESSION_BUS_ADDRESS;
    process.env.DBUS_SESSION_BUS_ADDRESS = `unix:path=${join(dir, 'no-bus')}`;
    cleanups.push(() => {
      if (previous === undefined) delete process.env.DBUS_SESSION_BUS_ADDRESS;
      else process.env.DBUS_SESSION_BUS_ADDRESS = previous;
    });
    const keychain = await startEngine(dir, undefined);
    const view = await keychain.call('GetSettings', {});
    expect(view.secretStore).toMatchObject({ kind: 'keychain', writable: true });
    if (process.platform === 'linux') {
      expect(view.secrets).toEqual({ 'signing-key': 'unavailable', 'anthropic-api-key': 'unavailable' });
      const error = await keychain.fail('SetSecret', { name: 'signing-key', value: SIGNING_KEY });
      expect(error.code).toBe('CONFIGURATION');
      expect(error.message).toMatch(/the OS keychain is not available .*dir:<dir>/);
      expect(error.message).not.toContain(SIGNING_KEY.slice(2));
      // The engine carries on.
      expect((await keychain.call('UpdateSettings', { network: { kind: 'testnet' } })).settings.network).toEqual({
        kind: 'testnet',
      });
    }
    await keychain.engine.close();

    const mounted = join(freshDir(), 'mounted');
    mkdirSync(mounted);
    writeFileSync(join(mounted, 'anthropic-api-key'), `${API_KEY}\n`);
    const readOnly = await startEngine(freshDir(), `file:${mounted}`);
    const status = await readOnly.call('GetSettings', {});
    expect(status.secretStore).toMatchObject({ kind: 'file', writable: false });
    expect(status.secrets).toEqual({ 'signing-key': 'unset', 'anthropic-api-key': 'set' });
    const refused = await readOnly.fail('SetSecret', { name: 'signing-key', value: SIGNING_KEY });
    expect(refused).toMatchObject({ code: 'CONFIGURATION', message: expect.stringMatching(/read-only/) });
    expect((await readOnly.fail('DeleteSecret', { name: 'anthropic-api-key' })).code).toBe('CONFIGURATION');
    expect(readFileSync(join(mounted, 'anthropic-api-key'), 'utf8').trim()).toBe(API_KEY);
  });
});

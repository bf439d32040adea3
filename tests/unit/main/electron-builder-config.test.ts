import type { Configuration } from 'app-builder-lib';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config.js';
import { DebugLogger } from 'builder-util';
import { minimatch } from 'minimatch';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CONFIG_FILE = new URL('../../../electron-builder.yml', import.meta.url);

/** The config exactly as electron-builder reads it (its own loader, package.json merged in). */
let config: Configuration;
beforeAll(async () => {
  config = await getConfig(ROOT, null, null);
});

const targets = (platform: unknown): string[] => {
  const target = (platform as { target?: unknown } | null | undefined)?.target;
  const list = Array.isArray(target) ? target : [target];
  return list.map((t) => (typeof t === 'string' ? t : (t as { target: string }).target));
};
const globs = (value: unknown): string[] =>
  (Array.isArray(value) ? value : [value]).filter((v) => typeof v === 'string');
const unpacked = (path: string) => globs(config.asarUnpack).some((g) => minimatch(path, g, { dot: true }));

describe('electron-builder.yml', () => {
  it('passes electron-builder’s own schema validation', async () => {
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('names the app and builds AppImage + deb, dmg and NSIS', () => {
    expect(config.appId).toBe('app.hyperdesk.workstation');
    expect(config.productName).toBe('HyperDesk');
    expect(targets(config.linux)).toEqual(['AppImage', 'deb']);
    expect(targets(config.mac)).toEqual(['dmg']);
    expect(targets(config.win)).toEqual(['nsis']);
  });

  it('unpacks the native modules from the asar archive', () => {
    expect(config.asar).not.toBe(false);
    for (const path of [
      'node_modules/better-sqlite3/build/Release/better_sqlite3.node',
      'node_modules/better-sqlite3/prebuilds/win32-x64.node',
      'node_modules/better-sqlite3/lib/database.js',
      'node_modules/@napi-rs/keyring/index.js',
      'node_modules/@napi-rs/keyring-linux-x64-gnu/keyring.linux-x64-gnu.node',
      'node_modules/@napi-rs/keyring-darwin-arm64/keyring.darwin-arm64.node',
      'node_modules/@napi-rs/keyring-win32-x64-msvc/keyring.win32-x64-msvc.node',
    ]) {
      expect(unpacked(path), path).toBe(true);
    }
    expect(unpacked('node_modules/zod/index.js')).toBe(false);
    expect(unpacked('out/main/index.js')).toBe(false);
  });

  it('packages the main bundle with the engine worker chunk, preload and renderer', () => {
    // The loader normalises `files` to [{ filter: [...] }]; accept plain strings too.
    const entries = (Array.isArray(config.files) ? config.files : [config.files]) as unknown[];
    const files = entries.flatMap((f) => (typeof f === 'string' ? [f] : globs((f as { filter?: unknown })?.filter)));
    const included = (path: string) =>
      files.filter((g) => !g.startsWith('!')).some((g) => minimatch(path, g, { dot: true })) &&
      !files.filter((g) => g.startsWith('!')).some((g) => minimatch(path, g.slice(1), { dot: true }));
    for (const path of [
      'out/main/index.js',
      'out/main/chunks/engine-worker-1be85d93.js',
      'out/preload/index.cjs',
      'out/renderer/index.html',
    ]) {
      expect(included(path), path).toBe(true);
    }
    expect(included('out/main/index.js.map')).toBe(false);
  });

  it('keeps signing secrets out of the repository (CI supplies them through the environment)', () => {
    const text = readFileSync(CONFIG_FILE, 'utf8');
    // No secret-bearing option set in the file, for any platform.
    expect(text).not.toMatch(/^\s*(cscLink|cscKeyPassword|certificateFile|certificatePassword|certificateSha1)\s*:/m);
    expect(text).not.toMatch(/^\s*(appleId|appleIdPassword|teamId|password|apiKey)\s*:/im);
    expect(text).not.toMatch(/BEGIN (RSA |EC )?PRIVATE KEY|\.p12\b|\.pfx\b/);
    const win = (config.win ?? {}) as Record<string, unknown>;
    expect(win.certificateFile ?? win.certificatePassword ?? config.cscLink ?? config.cscKeyPassword).toBeUndefined();
    // Nothing is published from a local build.
    expect(config.publish).toBeNull();
  });
});

import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project (or installed package) root. */
export const ROOT_DIR = fileURLToPath(new URL('../../', import.meta.url));

/** Bundled resources: icon, sample datasets. */
export const RESOURCES_DIR = join(ROOT_DIR, 'resources');

/** Bundled sample datasets and their manifest. */
export const SAMPLES_DIR = join(RESOURCES_DIR, 'samples');

/** The engine worker entry, run from source. */
export const ENGINE_WORKER_URL = new URL('../host/engine-worker.ts', import.meta.url);

/** The built UI, or null when it has not been built. */
export function rendererDir(): string | null {
  const dir = join(ROOT_DIR, 'out', 'renderer');
  return existsSync(join(dir, 'index.html')) ? dir : null;
}

/**
 * Where HyperDesk keeps its data when no folder is given: `HYPERDESK_DATA_DIR`, else the
 * platform's per-user application data folder.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.HYPERDESK_DATA_DIR) return env.HYPERDESK_DATA_DIR;
  const home = homedir();
  if (process.platform === 'darwin') return join(home, 'Library', 'Application Support', 'HyperDesk');
  if (process.platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'HyperDesk');
  return join(env.XDG_DATA_HOME ?? join(home, '.local', 'share'), 'hyperdesk');
}

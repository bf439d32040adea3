import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Bundled samples. */
export const SAMPLES_DIR = join(ROOT, 'resources', 'samples');
/** The real engine worker entry. */
export const ENGINE_WORKER = new URL('../../src/host/engine-worker.ts', import.meta.url);
/** Real market data shared beside the project; tests that need it skip when it is absent. */
export const SHARED_DATA_DIR = join(ROOT, '..', 'shared', 'data');
/** True when the shared market data is present. */
export const HAS_SHARED_DATA = existsSync(join(SHARED_DATA_DIR, 'README.md'));
/** Where tests write files humans may want to look at (screenshots). */
export const ARTIFACTS_DIR = join(ROOT, 'artifacts');

/** A fresh temporary folder and the function that removes it. */
export function tempDir(prefix = 'hyperdesk-test-'): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

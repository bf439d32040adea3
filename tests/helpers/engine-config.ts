import { join } from 'node:path';
import type { EngineHostConfig } from '../../src/host/engine-host-config.ts';
import { SAMPLES_DIR } from './paths.ts';

/** Engine host config for a test: its own database in `dir`, the bundled samples. */
export function testEngineConfig(dir: string, dataRoots: string[] = [dir]): EngineHostConfig {
  return { dbPath: join(dir, 'hyperdesk.db'), samplesDir: SAMPLES_DIR, dataRoots, mode: 'research' };
}

/** The bundled sample as the UI loads it. */
export const SAMPLE_LOAD = {
  source: { kind: 'sample', name: 'synthetic-btc-1h' },
  coin: 'BTC-SYNTH',
  interval: '1h',
} as const;

/** Number of candles in the bundled sample. */
export const SAMPLE_CANDLES = 2000;

import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { CandleSource, LoadedCandles, SampleInfo } from '../../engine/ports.ts';
import { ConfigurationError, HyperdeskError, NotFoundError, ValidationError } from '../../shared/contract/errors.ts';
import type { CandleSourceRef } from '../../shared/contract/series.ts';
import { CoinSchema } from '../../shared/contract/series.ts';
import { parseOrThrow } from '../../shared/contract/validation.ts';
import { TimeframeSchema, type Timeframe } from '../../shared/values/timeframe.ts';
import type { CandleColumns } from '../../engine/data/candle-columns.ts';
import { CandleFileReader } from './candle-file-reader.ts';
import { resolveInsideRoots } from './data-roots.ts';

/** Largest candle file loaded straight into the engine; bigger ones go through the importer. */
export const MAX_CANDLE_FILE_BYTES = 256 * 1024 * 1024;

const ManifestSchema = z.object({
  samples: z.array(
    z.object({
      name: z.string().min(1),
      file: z.string().regex(/^[\w.-]+\.csv$/, 'must be a plain .csv file name'),
      coin: CoinSchema,
      interval: TimeframeSchema,
      synthetic: z.boolean(),
    }),
  ),
});

type Manifest = z.infer<typeof ManifestSchema>;

/** Options for {@link FileCandleSource}. */
export interface FileCandleSourceOptions {
  /** Folder holding `manifest.json` and the bundled sample CSVs. */
  readonly samplesDir: string;
  /** Folders whose CSV files may be loaded by path; anything outside them is refused. */
  readonly dataRoots: readonly string[];
}

/**
 * Reads candle CSVs from bundled samples and from the user's data folders. Paths are
 * resolved through symlinks and must stay inside an allowed folder, because requests can
 * come from a browser.
 */
export class FileCandleSource implements CandleSource {
  private readonly manifest: Manifest;

  private readonly options: FileCandleSourceOptions;

  constructor(options: FileCandleSourceOptions) {
    this.options = options;
    let raw: unknown;
    const manifestFile = join(options.samplesDir, 'manifest.json');
    try {
      raw = JSON.parse(readFileSync(manifestFile, 'utf8'));
    } catch (error) {
      throw new ConfigurationError(`cannot read the sample manifest: ${(error as Error).message}`);
    }
    this.manifest = parseOrThrow(ManifestSchema, raw, 'samples/manifest.json');
  }

  listSamples(): readonly SampleInfo[] {
    return this.manifest.samples.map(({ name, coin, interval, synthetic }) => ({ name, coin, interval, synthetic }));
  }

  async load(ref: Exclude<CandleSourceRef, { kind: 'cache' }>, interval: Timeframe): Promise<LoadedCandles> {
    if (ref.kind === 'sample') {
      const sample = this.manifest.samples.find((s) => s.name === ref.name);
      if (!sample) throw new NotFoundError(`no bundled sample named "${ref.name}"`);
      const bars = await this.read(join(this.options.samplesDir, sample.file), sample.file, interval);
      return { sourceKey: `sample:${sample.name}`, label: sample.file, synthetic: sample.synthetic, bars };
    }
    const file = await this.resolveAllowed(ref.path);
    const label = basename(file);
    const bars = await this.read(file, label, interval);
    const key = createHash('sha256').update(file).digest('hex').slice(0, 12);
    return { sourceKey: `file:${key}`, label, synthetic: false, bars };
  }

  private resolveAllowed(path: string): Promise<string> {
    return resolveInsideRoots(path, this.options.dataRoots, 'source.path');
  }

  private async read(file: string, label: string, interval: Timeframe): Promise<CandleColumns> {
    const info = await stat(file).catch(() => null);
    if (!info?.isFile()) throw new NotFoundError(`"${label}" is not a readable file`);
    if (info.size > MAX_CANDLE_FILE_BYTES) {
      throw new ValidationError(
        `"${label}" is ${Math.round(info.size / 1048576)} MB; files over ${MAX_CANDLE_FILE_BYTES / 1048576} MB go through "hyperdesk data import"`,
      );
    }
    try {
      return await new CandleFileReader(file, { name: label, interval }).readAll();
    } catch (error) {
      if (error instanceof HyperdeskError) throw error;
      // The system message names the full path; the label is enough for the user.
      throw new ValidationError(`"${label}" cannot be read (${(error as NodeJS.ErrnoException).code ?? 'I/O error'})`);
    }
  }
}

import type { z } from 'zod';
import { StrategyFileSchema } from '../../engine/strategy/strategy-registry.ts';
import { parseOrThrow } from '../../shared/contract/validation.ts';
import { basename } from 'node:path';
import { parseJsonFile, readSmallFile } from './read-small-file.ts';

/** Largest strategy file read: they are small JSON documents. */
const MAX_BYTES = 1 << 20;

/** Reads and validates a strategy file (JSON); errors name the file and the bad field. */
export async function readStrategyFile(path: string): Promise<z.output<typeof StrategyFileSchema>> {
  const json = parseJsonFile(await readSmallFile(path, 'strategy file', MAX_BYTES), path, 'strategy file');
  return parseOrThrow(StrategyFileSchema, json, `strategy file ${basename(path)}`);
}

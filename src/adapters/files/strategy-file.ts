import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { StrategyFileSchema } from '../../engine/strategy/strategy-registry.ts';
import { ValidationError } from '../../shared/contract/errors.ts';
import { parseOrThrow } from '../../shared/contract/validation.ts';
import type { z } from 'zod';

/** Largest strategy file read: they are small JSON documents. */
const MAX_BYTES = 1 << 20;

/** Reads and validates a strategy file (JSON); errors name the file and the bad field. */
export async function readStrategyFile(path: string): Promise<z.output<typeof StrategyFileSchema>> {
  const name = basename(path);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ValidationError(
      `strategy file ${name} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  if (text.length > MAX_BYTES) throw new ValidationError(`strategy file ${name} is larger than 1 MB`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ValidationError(`strategy file ${name} is not valid JSON (${(error as Error).message})`);
  }
  return parseOrThrow(StrategyFileSchema, json, `strategy file ${name}`);
}

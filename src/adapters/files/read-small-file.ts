import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { ValidationError } from '../../shared/contract/errors.ts';

/**
 * Reads a small text file (a strategy, a funding series) whole. Errors name the file by its
 * base name (never its full path) and what it was meant to be.
 */
export async function readSmallFile(path: string, what: string, maxBytes: number): Promise<string> {
  const name = `${what} ${basename(path)}`;
  const refuse = (error: unknown) =>
    new ValidationError(`${name} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  // The size is checked before reading, so a huge file (or a device) never fills memory.
  const info = await stat(path).catch((error: unknown) => {
    throw refuse(error);
  });
  if (!info.isFile()) throw new ValidationError(`${name} is not a file`);
  if (info.size > maxBytes) throw new ValidationError(`${name} is larger than ${Math.round(maxBytes / 1048576)} MB`);
  return readFile(path, 'utf8').catch((error: unknown) => {
    throw refuse(error);
  });
}

/** Parses JSON read from a file, or a clear error naming it. */
export function parseJsonFile(text: string, path: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ValidationError(`${what} ${basename(path)} is not valid JSON (${(error as Error).message})`);
  }
}

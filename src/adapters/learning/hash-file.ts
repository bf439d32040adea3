import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { ValidationError } from '../../shared/contract/errors.ts';

/**
 * SHA-256 of a file, hex, and its size, read as a stream so a large book or video never sits
 * in memory. The hash is a source's identity: the same content is the same source, whatever
 * its name.
 */
export async function hashFile(
  path: string,
  options: { onBytes?: (done: number) => void; signal?: AbortSignal } = {},
): Promise<{ hash: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  const stream = createReadStream(path, {
    highWaterMark: 1024 * 1024,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  try {
    for await (const chunk of stream) {
      const block = chunk as Buffer;
      hash.update(block);
      bytes += block.length;
      options.onBytes?.(bytes);
    }
  } catch (error) {
    if (options.signal?.aborted) throw error;
    throw new ValidationError(
      `${basename(path)} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'read error'})`,
    );
  }
  return { hash: hash.digest('hex'), bytes };
}

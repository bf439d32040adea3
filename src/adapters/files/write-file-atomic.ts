import { rename, rm, writeFile } from 'node:fs/promises';
import { ConfigurationError } from '../../shared/contract/errors.ts';

/**
 * Writes `text` to `path` atomically: to a temporary file beside it, renamed into place when
 * complete, so a crash or an error never leaves a half-written file under the real name.
 */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const temp = `${path}.${process.pid}.partial`;
  try {
    await writeFile(temp, text);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw new ConfigurationError(
      `cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
}

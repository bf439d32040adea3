import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { ValidationError } from '../../shared/contract/errors.ts';

/**
 * Checks that `dir` can be the data folder: an absolute path that is a writable folder, or
 * does not exist yet under a writable folder (HyperDesk creates it at start). Nothing is
 * created here: the folder is used from the next start.
 *
 * @throws ValidationError starting with `dataDir:` saying what is wrong.
 */
export async function checkDataDir(dir: string): Promise<void> {
  if (!isAbsolute(dir)) throw new ValidationError('dataDir: must be an absolute folder path');
  let path = resolve(dir);
  for (;;) {
    const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return null;
      throw new ValidationError(`dataDir: ${path} cannot be read (${error.code ?? 'error'})`);
    });
    if (info) {
      if (!info.isDirectory()) throw new ValidationError(`dataDir: ${path} is a file, not a folder`);
      try {
        await access(path, constants.W_OK);
      } catch {
        throw new ValidationError(`dataDir: ${path} is not writable`);
      }
      return;
    }
    const parent = dirname(path);
    if (parent === path) throw new ValidationError(`dataDir: no part of ${dir} exists`);
    path = parent;
  }
}

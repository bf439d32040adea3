import { realpath } from 'node:fs/promises';
import { basename, isAbsolute, relative, resolve, sep } from 'node:path';
import { NotFoundError, ValidationError } from '../../shared/contract/errors.ts';

/** True when `path` lies inside `folder` (or is it, with `allowSelf`). */
export function isInsideFolder(path: string, folder: string, allowSelf = false): boolean {
  const rel = relative(folder, path);
  if (rel === '') return allowSelf;
  return rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

/**
 * The real path of a file a client named, refusing anything outside the engine's data
 * folders. Checked on the path as written first, so nothing outside the folders can be probed
 * for existence; then again on the real path, so a symlink cannot lead out. `field` names the
 * request field in messages; the file is named by its base name only.
 */
export async function resolveInsideRoots(path: string, dataRoots: readonly string[], field: string): Promise<string> {
  if (!isAbsolute(path)) throw new ValidationError(`${field} must be an absolute path`);
  const outside = new ValidationError(
    `${field} is outside the engine's data folders; copy "${basename(path)}" into its data folder (--data-dir)`,
  );
  const roots = await Promise.all(
    dataRoots.map(async (root) => [resolve(root), await realpath(root).catch(() => null)] as const),
  );
  const lexical = resolve(path);
  const inside = (p: string, root: string | null) => root !== null && isInsideFolder(p, root);
  if (!roots.some(([root, realRoot]) => inside(lexical, root) || inside(lexical, realRoot))) throw outside;
  let real: string;
  try {
    real = await realpath(lexical);
  } catch {
    throw new NotFoundError(`file "${basename(path)}" does not exist`);
  }
  if (!roots.some(([, realRoot]) => inside(real, realRoot))) throw outside;
  return real;
}

import { readdir, realpath, stat } from 'node:fs/promises';
import { basename, extname, join, relative, sep } from 'node:path';
import { MAX_LEARNABLE_FILES, type LearnableFile } from '../../shared/contract/knowledge-commands.ts';
import { NotFoundError } from '../../shared/contract/errors.ts';
import { isInsideFolder, resolveInsideRoots as resolveInside } from '../../adapters/files/data-roots.ts';

const VIDEO = new Set(['.mp4', '.mkv', '.mov', '.webm', '.avi', '.m4v']);
const SUBTITLES = new Set(['.srt', '.vtt']);

/** Folder depth below a data folder that {@link listLearnableFiles} looks into. */
const MAX_DEPTH = 6;

/** The kind of file HyperDesk learns from, by extension; null for anything else. */
export function learnableKind(path: string): LearnableFile['kind'] | null {
  const ext = extname(path).toLowerCase();
  if (ext === '.pdf') return 'pdf';
  if (SUBTITLES.has(ext)) return 'subtitles';
  if (VIDEO.has(ext)) return 'video';
  return null;
}

function isInside(path: string, root: string): boolean {
  return isInsideFolder(path, root, true);
}

/**
 * Resolves a path a client sent to the real file it names, refusing anything outside the data
 * folders, as candle files are checked: on the path as written first (so nothing outside can be
 * probed for existence), then on the real path (so a symlink cannot lead out).
 */
export async function resolveInsideRoots(path: string, dataRoots: readonly string[]): Promise<string> {
  const real = await resolveInside(path, dataRoots, 'path');
  const info = await stat(real).catch(() => null);
  if (!info?.isFile()) throw new NotFoundError(`"${basename(path)}" is not a readable file`);
  return real;
}

/**
 * The learnable files inside the data folders (subfolders down to a few levels, hidden entries
 * and symlinks leading out skipped), sorted by path, at most {@link MAX_LEARNABLE_FILES}.
 */
export async function listLearnableFiles(
  dataRoots: readonly string[],
): Promise<{ files: LearnableFile[]; truncated: boolean }> {
  const files: LearnableFile[] = [];
  const seen = new Set<string>();
  let truncated = false;
  for (const root of dataRoots) {
    const realRoot = await realpath(root).catch(() => null);
    if (realRoot === null) continue;
    const walk = async (dir: string, depth: number): Promise<void> => {
      const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const entry of entries) {
        if (files.length >= MAX_LEARNABLE_FILES) {
          truncated = true;
          return;
        }
        if (entry.name.startsWith('.')) continue;
        const full = join(dir, entry.name);
        if (entry.isDirectory()) {
          if (depth < MAX_DEPTH) await walk(full, depth + 1);
          continue;
        }
        const kind = learnableKind(entry.name);
        if (kind === null) continue;
        const real = await realpath(full).catch(() => null);
        if (real === null || !isInside(real, realRoot) || seen.has(real)) continue;
        const info = await stat(real).catch(() => null);
        if (!info?.isFile()) continue;
        seen.add(real);
        files.push({
          name: entry.name,
          relativePath: relative(realRoot, real).split(sep).join('/'),
          path: real,
          kind,
          bytes: info.size,
        });
      }
    };
    await walk(realRoot, 0);
  }
  return { files, truncated };
}

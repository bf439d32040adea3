import { open, realpath } from 'node:fs/promises';
import { extname } from 'node:path';
import { isInsideFolder } from '../../adapters/files/data-roots.ts';
import type { KnowledgeStore } from '../../adapters/sqlite/knowledge/knowledge-store.ts';
import type { CommandResponse } from '../../shared/contract/commands.ts';
import { NotFoundError, ValidationError } from '../../shared/contract/errors.ts';
import { MAX_KEYFRAME_IMAGE_BYTES, MAX_MEDIA_ITEMS } from '../../shared/contract/knowledge-commands.ts';
import { transcriptCues } from '../../shared/contract/knowledge.ts';

/**
 * A video's or subtitle file's study material: keyframe times from the knowledge base and the
 * transcript cues its sections hold (the time-marked text the extractor read), in time order,
 * repeats of the same moment and words removed.
 */
export function sourceMedia(store: KnowledgeStore, sourceId: string): CommandResponse<'GetSourceMedia'> {
  const source = store.getSource(sourceId);
  if (!source) throw new NotFoundError(`no source "${sourceId}" in the knowledge base`);
  if (source.kind === 'pdf')
    throw new ValidationError(`${source.name} is a document: it has no keyframes or transcript`);
  const keyframes = store.keyframes(sourceId).map((k) => ({ timestamp: k.timestamp }));
  const seen = new Set<string>();
  const cues: { time: number; text: string }[] = [];
  for (const chunk of store.chunks(sourceId)) {
    for (const cue of transcriptCues(chunk.text)) {
      const key = `${cue.time}\u0000${cue.text}`;
      if (seen.has(key)) continue;
      seen.add(key);
      cues.push(cue);
    }
  }
  cues.sort((a, b) => a.time - b.time);
  const truncated = keyframes.length > MAX_MEDIA_ITEMS || cues.length > MAX_MEDIA_ITEMS;
  return {
    sourceId: source.id,
    name: source.name,
    kind: source.kind,
    durationSec: source.durationSec,
    keyframes: keyframes.slice(0, MAX_MEDIA_ITEMS),
    cues: cues.slice(0, MAX_MEDIA_ITEMS),
    truncated,
  };
}

/** Times closer than this are the same keyframe (timestamps travel as JSON numbers). */
const SAME_TIME_SEC = 1e-6;

/**
 * One keyframe as a data URL. Only a file inside the keyframe folder (checked after resolving
 * symlinks), named .jpg, starting with the JPEG signature and at most
 * {@link MAX_KEYFRAME_IMAGE_BYTES} is sent: the database names the file, and a path there is
 * not trusted to lead anywhere else.
 */
export async function keyframeImage(
  store: KnowledgeStore,
  keyframeRoot: string,
  sourceId: string,
  timestamp: number,
): Promise<CommandResponse<'GetKeyframeImage'>> {
  const source = store.getSource(sourceId);
  if (!source) throw new NotFoundError(`no source "${sourceId}" in the knowledge base`);
  const keyframe = store.keyframes(sourceId).find((k) => Math.abs(k.timestamp - timestamp) < SAME_TIME_SEC);
  if (!keyframe) throw new NotFoundError(`${source.name} has no keyframe at ${timestamp} s`);
  const gone = { sourceId, timestamp: keyframe.timestamp, dataUrl: null, bytes: null };
  const [real, root] = await Promise.all([
    realpath(keyframe.path).catch(() => null),
    realpath(keyframeRoot).catch(() => null),
  ]);
  if (real === null || root === null || !isInsideFolder(real, root)) return gone;
  if (extname(real).toLowerCase() !== '.jpg') return gone;
  const file = await open(real, 'r').catch(() => null);
  if (!file) return gone;
  try {
    const info = await file.stat();
    if (!info.isFile()) return gone;
    if (info.size > MAX_KEYFRAME_IMAGE_BYTES) return { ...gone, bytes: info.size };
    const bytes = await file.readFile();
    if (bytes.length < 3 || bytes[0] !== 0xff || bytes[1] !== 0xd8 || bytes[2] !== 0xff)
      return { ...gone, bytes: bytes.length };
    return {
      sourceId,
      timestamp: keyframe.timestamp,
      dataUrl: `data:image/jpeg;base64,${bytes.toString('base64')}`,
      bytes: bytes.length,
    };
  } finally {
    await file.close();
  }
}

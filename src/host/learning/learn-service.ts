import { basename, extname, join } from 'node:path';
import { ClaudeExtractor } from '../../adapters/learning/claude/claude-extractor.ts';
import { hashFile } from '../../adapters/learning/hash-file.ts';
import { ingestPdf } from '../../adapters/learning/pdf/pdf-ingest.ts';
import { ingestSubtitles, ingestVideo } from '../../adapters/learning/video/video-ingest.ts';
import type { SecretStore } from '../../adapters/secrets/secret-store.ts';
import type { KnowledgeStore } from '../../adapters/sqlite/knowledge/knowledge-store.ts';
import type { StoredRule } from '../../adapters/sqlite/knowledge/knowledge-types.ts';
import type { ExtractionReport, Ingestion, RuleExtractor } from '../../engine/learning/learning-ports.ts';
import { OfflineExtractor } from '../../engine/learning/offline-extractor.ts';
import { TransportError, ValidationError } from '../../shared/contract/errors.ts';

const VIDEO = new Set(['.mp4', '.mkv', '.mov', '.webm', '.avi', '.m4v']);
const SUBTITLES = new Set(['.srt', '.vtt']);

/** What learning from a file produced. */
export interface LearnResult {
  readonly sourceId: string;
  readonly name: string;
  /** True when the file had been learned before with this extractor: nothing was sent to a model. */
  readonly cached: boolean;
  readonly method: 'claude' | 'offline';
  readonly rules: readonly StoredRule[];
  readonly notices: readonly string[];
  /** The extraction's figures (failures, calls, tokens, cost), this run's or the cached one's. */
  readonly report: Pick<ExtractionReport, 'model' | 'failures' | 'usage' | 'calls'>;
}

/** Options of {@link learnFile}. */
export interface LearnOptions {
  readonly store: KnowledgeStore;
  readonly extractor: RuleExtractor;
  /** Folder under which a video's keyframes are kept (one folder per source). */
  readonly keyframeRoot: string;
  readonly signal?: AbortSignal;
  readonly onProgress?: (stage: 'reading' | 'extracting', done: number, total: number) => void;
}

/**
 * Learns the rules in a PDF, a video or a subtitle file: reads it into sections, has the
 * extractor turn them into rules with citations, and stores source, sections and rules in one
 * transaction. A file whose content was learned before with the same extractor is not read
 * or sent again: its stored rules are returned (0 model calls).
 */
export async function learnFile(path: string, options: LearnOptions): Promise<LearnResult> {
  const kind = kindOf(path);
  const { hash } = await hashFile(path, { signal: options.signal });
  const method = options.extractor.method;
  const known = options.store.findExtraction(hash, method);
  if (known) {
    const source = options.store.findSourceByHash(hash);
    return {
      sourceId: known.extraction.sourceId,
      name: source?.name ?? basename(path),
      cached: true,
      method,
      rules: known.ruleIds.flatMap((id) => options.store.rule(id) ?? []),
      notices: source?.notices ?? [],
      report: known.extraction,
    };
  }
  const progress = (done: number, total: number) => options.onProgress?.('reading', done, total);
  let ingestion: Ingestion;
  if (kind === 'pdf') ingestion = await ingestPdf(path, { onProgress: progress, signal: options.signal });
  else if (kind === 'subtitles') ingestion = await ingestSubtitles(path);
  else {
    ingestion = await ingestVideo(path, {
      keyframeDir: join(options.keyframeRoot, hash.slice(0, 16)),
      signal: options.signal,
      onProgress: (p) => options.onProgress?.('reading', p.done, p.total),
    });
  }
  const report = await options.extractor.extract(ingestion.chunks, {
    signal: options.signal,
    onProgress: (done, total) => options.onProgress?.('extracting', done, total),
  });
  // A run with sections that never got an answer (canceled, budget spent, the key refused, the
  // network down) is not kept: kept, it would be served from the cache and never completed.
  const unanswered = report.failures.filter((f) => f.unanswered === true);
  if (unanswered.length > 0) {
    throw new TransportError(
      `${ingestion.source.name}: ${unanswered.length} of ${ingestion.chunks.length} sections got no answer (${unanswered[0]?.message ?? ''}); nothing was saved, run learn again`,
    );
  }
  const saved = options.store.saveIngestion(ingestion, report);
  return {
    sourceId: saved.sourceId,
    name: ingestion.source.name,
    cached: false,
    method,
    rules: saved.ruleIds.flatMap((id) => options.store.rule(id) ?? []),
    notices: ingestion.notices,
    report,
  };
}

/** Options of {@link chooseExtractor}. */
export interface ExtractorChoice {
  /** Use the offline extractor even when a key is available. */
  readonly offline?: boolean;
  readonly secrets: SecretStore;
  readonly model?: string;
  /** Most the session may spend on the model, USD (decimal string). */
  readonly budgetUsd?: string;
  /** Another Messages API endpoint (a proxy; tests use a local one). */
  readonly baseURL?: string;
}

/**
 * Claude when an Anthropic API key is stored (and `offline` is not asked for), else the
 * offline extractor, with a notice saying which and why.
 */
export async function chooseExtractor(
  choice: ExtractorChoice,
): Promise<{ extractor: RuleExtractor; notice: string | null }> {
  if (choice.offline) return { extractor: new OfflineExtractor(), notice: null };
  const apiKey = await choice.secrets.get('anthropic-api-key').catch(() => null);
  if (!apiKey) {
    return {
      extractor: new OfflineExtractor(),
      notice: `no Anthropic API key in ${choice.secrets.describe}: the offline extractor (keyword-based) was used; set ANTHROPIC_API_KEY or run hyperdesk keys set anthropic-api-key for Claude`,
    };
  }
  return {
    extractor: new ClaudeExtractor({
      apiKey,
      ...(choice.model ? { model: choice.model } : {}),
      budgetUsd: choice.budgetUsd ?? '5',
      ...(choice.baseURL ? { baseURL: choice.baseURL } : {}),
    }),
    notice: null,
  };
}

function kindOf(path: string): 'pdf' | 'video' | 'subtitles' {
  const ext = extname(path).toLowerCase();
  if (ext === '.pdf') return 'pdf';
  if (SUBTITLES.has(ext)) return 'subtitles';
  if (VIDEO.has(ext)) return 'video';
  throw new ValidationError(
    `${basename(path)}: HyperDesk learns from PDFs (.pdf), videos (${[...VIDEO].join(' ')}) and subtitles (.srt .vtt)`,
  );
}

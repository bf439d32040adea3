import type { Chunk, Rule } from '../../shared/contract/knowledge.ts';

/** What a source is. */
export type SourceKind = 'pdf' | 'video' | 'subtitles';

/** A document or video the trader gave HyperDesk to learn from. */
export interface IngestedSource {
  /** The first 16 hex digits of the content's SHA-256: the same file is the same source. */
  readonly id: string;
  readonly kind: SourceKind;
  /** The file's name (never its full path). */
  readonly name: string;
  readonly bytes: number;
  /** SHA-256 of the content, hex. */
  readonly contentHash: string;
  /** Pages of a document; null for a video. */
  readonly pages: number | null;
  /** Length of a video in seconds; null for a document. */
  readonly durationSec: number | null;
}

/** A frame kept from a video (near-duplicates removed). */
export interface Keyframe {
  /** Seconds into the video. */
  readonly timestamp: number;
  /** Where the image was written. */
  readonly path: string;
  /** 64-bit perceptual hash (dHash) as 16 hex digits. */
  readonly hash: string;
}

/** A source read into sections, with whatever the reader had to say about it. */
export interface Ingestion {
  readonly source: IngestedSource;
  readonly chunks: readonly Chunk[];
  /** Things the trader should know: scanned pages without text, no transcript, … */
  readonly notices: readonly string[];
  readonly keyframes: readonly Keyframe[];
}

/** Tokens and money an extraction cost. `costUsd` is a decimal string. */
export interface LlmUsage {
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cacheReadTokens: number;
  readonly cacheWriteTokens: number;
  readonly costUsd: string;
}

/** A chunk the extractor could not turn into valid rules. */
export interface ExtractionFailure {
  readonly chunkIndex: number;
  readonly message: string;
  /** What the model returned, kept for the trader to look at; null when nothing came back. */
  readonly raw: string | null;
  /**
   * True when the chunk was never answered (canceled, budget spent, the key refused, the
   * network down): extracting it again may well succeed, so such a run is not kept.
   */
  readonly unanswered?: boolean;
}

/** What an extraction of a source's chunks produced. */
export interface ExtractionReport {
  readonly method: 'claude' | 'offline';
  /** Model name for Claude; "offline" otherwise. */
  readonly model: string;
  readonly rules: readonly Rule[];
  readonly failures: readonly ExtractionFailure[];
  readonly usage: LlmUsage;
  /** Requests made to the model (0 for the offline extractor). */
  readonly calls: number;
}

/** Options of one extraction. */
export interface ExtractOptions {
  readonly signal?: AbortSignal;
  /** Told after each chunk: how many are done, of how many. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** Turns a source's chunks into rules with citations. */
export interface RuleExtractor {
  readonly method: 'claude' | 'offline';
  extract(chunks: readonly Chunk[], options?: ExtractOptions): Promise<ExtractionReport>;
}

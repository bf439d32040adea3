import type { ExtractionFailure, IngestedSource, LlmUsage } from '../../../engine/learning/learning-ports.ts';
import type { Rule } from '../../../shared/contract/knowledge.ts';

/** Who wrote a version of a rule: an extractor, the trader, or the feedback loop. */
export type RuleAuthor = 'extractor:claude' | 'extractor:offline' | 'user' | 'feedback';

/** How a source's rules were extracted (an extraction report's `method`). */
export type ExtractionMethod = 'claude' | 'offline';

/** A source as stored: what the reader said about it, and when it was added. */
export interface StoredSource extends IngestedSource {
  /** Epoch milliseconds. */
  readonly addedAt: number;
  readonly notices: readonly string[];
}

/** A frame kept from a video, with the source it belongs to. */
export interface StoredKeyframe {
  readonly sourceId: string;
  readonly timestamp: number;
  readonly path: string;
  readonly hash: string;
}

/** One extraction of a source by one method: the record that lets a re-import skip the LLM. */
export interface StoredExtraction {
  readonly id: string;
  readonly sourceId: string;
  readonly method: ExtractionMethod;
  readonly model: string;
  /** Epoch milliseconds. */
  readonly createdAt: number;
  readonly calls: number;
  /** `costUsd` is a decimal string. */
  readonly usage: LlmUsage;
  readonly failures: readonly ExtractionFailure[];
}

/** One version of a rule. `id` is shared by every version of the same rule. */
export interface StoredRule {
  readonly id: string;
  readonly version: number;
  /** True for the version in force; exactly one version of a rule is current. */
  readonly current: boolean;
  /** The rule's switch; not part of its content, so the same for every version. */
  readonly enabled: boolean;
  readonly rule: Rule;
  /** The source the rule cites (its citation's `sourceId`). */
  readonly sourceId: string;
  /** The extraction that first produced the rule; null for rules made otherwise. */
  readonly extractionId: string | null;
  /** Epoch milliseconds. */
  readonly createdAt: number;
  readonly createdBy: RuleAuthor;
  /** The version this one replaced; null for version 1. */
  readonly supersedes: number | null;
  /** Sorted. Tags belong to the rule, not to a version. */
  readonly tags: readonly string[];
}

/** Which rules {@link KnowledgeStore.rules} returns. Unset fields do not filter. */
export interface RuleFilter {
  /** Only current versions (the default), or every version when false. */
  readonly current?: boolean;
  /** Rules citing this source. */
  readonly sourceId?: string;
  readonly kind?: Rule['kind'];
  readonly enabled?: boolean;
  readonly tag?: string;
}

/** What {@link KnowledgeStore.saveIngestion} wrote, or found already written. */
export interface SavedIngestion {
  readonly sourceId: string;
  readonly extractionId: string;
  /** The extraction's rules, in extraction order. */
  readonly ruleIds: readonly string[];
  /** True when this source had already been extracted by this method: nothing was written. */
  readonly reused: boolean;
}

/** A recorded change of a rule's confidence and why it was made. */
export interface ConfidenceChange {
  readonly ruleId: string;
  readonly fromVersion: number;
  readonly toVersion: number;
  readonly old: number;
  readonly new: number;
  readonly reason: string;
  readonly evidence: unknown;
  readonly approvedBy: string;
  /** Epoch milliseconds. */
  readonly at: number;
}

/** Where a search hit was found. `page` for documents, `timestamp` (seconds) for videos. */
interface HitBase {
  readonly sourceId: string;
  readonly sourceName: string;
  readonly page: number | null;
  readonly timestamp: number | null;
  /** The matching words in context, matches wrapped in the requested marks. */
  readonly snippet: string;
  /** FTS5 bm25 score: lower is better. Chunk and rule scores come from separate indexes. */
  readonly rank: number;
}

/** A passage of a source that matched. */
export interface ChunkHit extends HitBase {
  readonly kind: 'chunk';
  readonly chunkIndex: number;
  readonly heading: string | null;
}

/** A current rule whose name or quote matched. */
export interface RuleHit extends HitBase {
  readonly kind: 'rule';
  readonly ruleId: string;
  readonly version: number;
  readonly name: string;
  readonly enabled: boolean;
}

/** One search result. */
export type SearchHit = ChunkHit | RuleHit;

/** Options of {@link KnowledgeStore.search}. */
export interface SearchOptions {
  /** Most hits returned, chunks and rules together; 20 when unset. */
  readonly limit?: number;
  /** Put around matched words in snippets; `['[', ']']` when unset. */
  readonly marks?: readonly [string, string];
}

/** A named set of rules, listed. */
export interface StrategySummary {
  readonly name: string;
  readonly note: string | null;
  /** Epoch milliseconds. */
  readonly createdAt: number;
  /** In the order given at creation. */
  readonly ruleIds: readonly string[];
}

/** A strategy with the current version of each of its rules. */
export interface StoredStrategy {
  readonly name: string;
  readonly note: string | null;
  readonly createdAt: number;
  readonly rules: readonly StoredRule[];
}

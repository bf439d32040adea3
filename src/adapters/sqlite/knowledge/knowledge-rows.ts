import { z } from 'zod';
import type { SourceKind } from '../../../engine/learning/learning-ports.ts';
import { RuleSchema, type Chunk } from '../../../shared/contract/knowledge.ts';
import { ValidationError } from '../../../shared/contract/errors.ts';
import { parseOrThrow } from '../../../shared/contract/validation.ts';
import { ExtractionFailureSchema, LlmUsageSchema } from './knowledge-schemas.ts';
import type {
  ConfidenceChange,
  ExtractionMethod,
  RuleAuthor,
  StoredExtraction,
  StoredKeyframe,
  StoredRule,
  StoredSource,
} from './knowledge-types.ts';

/**
 * Rows of the knowledge tables and their conversion to plain objects. JSON columns are parsed
 * with their schemas: a hand-edited or damaged file must fail loudly, not reach the UI.
 */

/** A `sources` row. */
export interface SourceRow {
  id: string;
  kind: SourceKind;
  name: string;
  bytes: number;
  content_hash: string;
  pages: number | null;
  duration_sec: number | null;
  added_at: number;
  notices: string;
}

/** A `chunks` row. */
export interface ChunkRow {
  source_id: string;
  idx: number;
  heading: string | null;
  text: string;
  page_from: number | null;
  page_to: number | null;
  sec_from: number | null;
  sec_to: number | null;
}

/** A `keyframes` row. */
export interface KeyframeRow {
  source_id: string;
  timestamp: number;
  path: string;
  hash: string;
}

/** An `extractions` row. */
export interface ExtractionRow {
  id: string;
  source_id: string;
  method: ExtractionMethod;
  model: string;
  created_at: number;
  calls: number;
  usage: string;
  failures: string;
}

/** A `rules` row with its rule's tags as a JSON array. */
export interface RuleRow {
  seq: number;
  id: string;
  version: number;
  current: number;
  body: string;
  source_id: string;
  extraction_id: string | null;
  enabled: number;
  created_at: number;
  created_by: RuleAuthor;
  supersedes: number | null;
  tags: string;
}

/** A `confidence_changes` row. */
export interface ConfidenceChangeRow {
  rule_id: string;
  from_version: number;
  to_version: number;
  old: number;
  new: number;
  reason: string;
  evidence: string;
  approved_by: string;
  at: number;
}

/** Columns of a {@link RuleRow}, for `SELECT ${RULE_COLUMNS} FROM rules r`. */
export const RULE_COLUMNS = `r.seq, r.id, r.version, r.current, r.body, r.source_id, r.extraction_id, r.enabled,
  r.created_at, r.created_by, r.supersedes,
  (SELECT json_group_array(tag) FROM (SELECT tag FROM tags WHERE rule_id = r.id ORDER BY tag)) AS tags`;

const StringsSchema = z.array(z.string());

/** Parses a JSON column, naming the row when it is not JSON at all. */
function json(text: string, context: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ValidationError(`${context}: not valid JSON`);
  }
}

/** See {@link SourceRow}. */
export function toSource(row: SourceRow): StoredSource {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    bytes: row.bytes,
    contentHash: row.content_hash,
    pages: row.pages,
    durationSec: row.duration_sec,
    addedAt: row.added_at,
    notices: parseOrThrow(StringsSchema, json(row.notices, `source ${row.id} notices`), `source ${row.id} notices`),
  };
}

/** See {@link ChunkRow}. */
export function toChunk(row: ChunkRow): Chunk {
  return {
    sourceId: row.source_id,
    index: row.idx,
    heading: row.heading,
    text: row.text,
    pages: row.page_from !== null && row.page_to !== null ? { from: row.page_from, to: row.page_to } : null,
    seconds: row.sec_from !== null && row.sec_to !== null ? { from: row.sec_from, to: row.sec_to } : null,
  };
}

/** See {@link KeyframeRow}. */
export function toKeyframe(row: KeyframeRow): StoredKeyframe {
  return { sourceId: row.source_id, timestamp: row.timestamp, path: row.path, hash: row.hash };
}

/** See {@link ExtractionRow}. */
export function toExtraction(row: ExtractionRow): StoredExtraction {
  const context = `extraction ${row.id}`;
  return {
    id: row.id,
    sourceId: row.source_id,
    method: row.method,
    model: row.model,
    createdAt: row.created_at,
    calls: row.calls,
    usage: parseOrThrow(LlmUsageSchema, json(row.usage, `${context} usage`), `${context} usage`),
    failures: parseOrThrow(
      z.array(ExtractionFailureSchema),
      json(row.failures, `${context} failures`),
      `${context} failures`,
    ),
  };
}

/** See {@link RuleRow}; the body is checked with {@link RuleSchema}. */
export function toRule(row: RuleRow): StoredRule {
  const context = `stored rule ${row.id} version ${row.version}`;
  return {
    id: row.id,
    version: row.version,
    current: row.current === 1,
    enabled: row.enabled === 1,
    rule: parseOrThrow(RuleSchema, json(row.body, context), context),
    sourceId: row.source_id,
    extractionId: row.extraction_id,
    createdAt: row.created_at,
    createdBy: row.created_by,
    supersedes: row.supersedes,
    tags: parseOrThrow(StringsSchema, json(row.tags, `${context} tags`), `${context} tags`),
  };
}

/** See {@link ConfidenceChangeRow}. */
export function toConfidenceChange(row: ConfidenceChangeRow): ConfidenceChange {
  return {
    ruleId: row.rule_id,
    fromVersion: row.from_version,
    toVersion: row.to_version,
    old: row.old,
    new: row.new,
    reason: row.reason,
    evidence: json(row.evidence, `confidence change of ${row.rule_id}`),
    approvedBy: row.approved_by,
    at: row.at,
  };
}

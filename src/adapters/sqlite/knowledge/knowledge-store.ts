import type { Database } from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { ExtractionReport, Ingestion } from '../../../engine/learning/learning-ports.ts';
import { ValidationError } from '../../../shared/contract/errors.ts';
import type { Chunk, Rule } from '../../../shared/contract/knowledge.ts';
import { parseOrThrow } from '../../../shared/contract/validation.ts';
import {
  toChunk,
  toExtraction,
  toKeyframe,
  toSource,
  type ChunkRow,
  type ExtractionRow,
  type KeyframeRow,
  type SourceRow,
} from './knowledge-rows.ts';
import { KnowledgeRules } from './knowledge-rules.ts';
import { ExtractionReportSchema, IngestionSchema, SearchInputSchema } from './knowledge-schemas.ts';
import { KnowledgeSearch } from './knowledge-search.ts';
import { KnowledgeStrategies } from './knowledge-strategies.ts';
import type {
  ConfidenceChange,
  ExtractionMethod,
  RuleFilter,
  SavedIngestion,
  SearchHit,
  SearchOptions,
  StoredExtraction,
  StoredKeyframe,
  StoredRule,
  StoredSource,
  StoredStrategy,
  StrategySummary,
} from './knowledge-types.ts';
import { StatementCache } from './statement-cache.ts';

/** Options of a {@link KnowledgeStore}. */
export interface KnowledgeStoreOptions {
  /** Epoch milliseconds; `Date.now` when unset. */
  readonly now?: () => number;
  /** `digits` random lowercase hex digits, for new ids; injectable so tests can force a clash. */
  readonly randomHex?: (digits: number) => string;
}

const MethodSchema = z.enum(['claude', 'offline']);

/** Attempts at drawing an id that is not taken yet; 40 random bits make a second one rare. */
const ID_ATTEMPTS = 16;

function secureHex(digits: number): string {
  return randomBytes(Math.ceil(digits / 2))
    .toString('hex')
    .slice(0, digits);
}

/**
 * The knowledge base on SQLite (schema version 4): sources the trader gave HyperDesk, their
 * passages, keyframes, each extraction of them (the cache that spares a second LLM run on the
 * same file), the rules extracted with their versions, tags and confidence history, named
 * strategies, and full-text search over passages and rules. Every input is validated; every
 * write of several rows is one transaction, so a bad input or a crash leaves nothing
 * half-written. Results are plain objects.
 */
export class KnowledgeStore {
  private readonly sql: StatementCache;
  private readonly now: () => number;
  private readonly randomHex: (digits: number) => string;
  private readonly ruleStore: KnowledgeRules;
  private readonly strategies: KnowledgeStrategies;
  private readonly searcher: KnowledgeSearch;

  constructor(db: Database, options: KnowledgeStoreOptions = {}) {
    this.sql = new StatementCache(db);
    this.now = options.now ?? Date.now;
    this.randomHex = options.randomHex ?? secureHex;
    this.ruleStore = new KnowledgeRules(this.sql, this.now);
    this.strategies = new KnowledgeStrategies(this.sql, this.ruleStore, this.now);
    this.searcher = new KnowledgeSearch(db);
  }

  // ── Sources and extractions ────────────────────────────────────────────────────────────

  /**
   * Stores a source as read and what an extraction found in it, in one transaction: the
   * source with its chunks and keyframes (reused as stored when the same content was saved
   * before), the extraction record, and its rules as version 1. When this source was already
   * extracted by this method nothing is written and the existing rules are returned, so a
   * re-import never duplicates rules. Invalid input is a {@link ValidationError}; every rule
   * must cite this source.
   */
  saveIngestion(ingestion: Ingestion, extraction: ExtractionReport): SavedIngestion {
    const input = parseOrThrow(IngestionSchema, ingestion, 'ingestion');
    const report = parseOrThrow(ExtractionReportSchema, extraction, 'extraction');
    const sourceId = input.source.id;
    report.rules.forEach((rule, i) => {
      if (rule.citation.sourceId !== sourceId) {
        throw new ValidationError(
          `extraction: rules.${i}.citation.sourceId: must be the ingested source ${sourceId}, got ${rule.citation.sourceId}`,
        );
      }
    });
    return this.sql.write(() => {
      this.ensureSource(input);
      const existing = this.sql
        .get('SELECT * FROM extractions WHERE source_id = ? AND method = ?')
        .get(sourceId, report.method) as ExtractionRow | undefined;
      if (existing) {
        return {
          sourceId,
          extractionId: existing.id,
          ruleIds: this.ruleStore.idsOfExtraction(existing.id),
          reused: true,
        };
      }
      const at = Math.trunc(this.now());
      const extractionId = this.newId('x-', 'extractions');
      this.sql
        .get(
          `INSERT INTO extractions (id, source_id, method, model, created_at, calls, usage, failures)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          extractionId,
          sourceId,
          report.method,
          report.model,
          at,
          report.calls,
          JSON.stringify(report.usage),
          JSON.stringify(report.failures),
        );
      const ruleIds = report.rules.map((rule) => {
        const id = this.newId('r-', 'rules');
        this.ruleStore.insert({
          id,
          version: 1,
          rule,
          extractionId,
          enabled: true,
          createdBy: `extractor:${report.method}`,
          supersedes: null,
          at,
        });
        return id;
      });
      return { sourceId, extractionId, ruleIds, reused: false };
    });
  }

  /** The source with this SHA-256 (hex), or null. */
  findSourceByHash(contentHash: string): StoredSource | null {
    const row = this.sql.get('SELECT * FROM sources WHERE content_hash = ?').get(contentHash) as SourceRow | undefined;
    return row ? toSource(row) : null;
  }

  /** A source by id, or null. */
  getSource(id: string): StoredSource | null {
    const row = this.sql.get('SELECT * FROM sources WHERE id = ?').get(id) as SourceRow | undefined;
    return row ? toSource(row) : null;
  }

  /** Every source, oldest first. */
  listSources(): StoredSource[] {
    return (this.sql.get('SELECT * FROM sources ORDER BY added_at, name').all() as SourceRow[]).map(toSource);
  }

  /** A source's chunks in order; empty for an unknown source. */
  chunks(sourceId: string): Chunk[] {
    const rows = this.sql.get('SELECT * FROM chunks WHERE source_id = ? ORDER BY idx').all(sourceId);
    return (rows as ChunkRow[]).map(toChunk);
  }

  /** A video's keyframes by time; empty for an unknown source. */
  keyframes(sourceId: string): StoredKeyframe[] {
    const rows = this.sql.get('SELECT * FROM keyframes WHERE source_id = ? ORDER BY timestamp, id').all(sourceId);
    return (rows as KeyframeRow[]).map(toKeyframe);
  }

  /** A source's extractions, oldest first. */
  extractions(sourceId: string): StoredExtraction[] {
    const rows = this.sql.get('SELECT * FROM extractions WHERE source_id = ? ORDER BY created_at, id').all(sourceId);
    return (rows as ExtractionRow[]).map(toExtraction);
  }

  /**
   * The extraction cache: what `method` already extracted from the file with this SHA-256,
   * with its rules' ids, or null when the file must be extracted.
   */
  findExtraction(
    contentHash: string,
    method: ExtractionMethod,
  ): { extraction: StoredExtraction; ruleIds: string[] } | null {
    const m = parseOrThrow(MethodSchema, method, 'extraction method');
    const row = this.sql
      .get(
        `SELECT e.* FROM extractions e JOIN sources s ON s.id = e.source_id
         WHERE s.content_hash = ? AND e.method = ?`,
      )
      .get(contentHash, m) as ExtractionRow | undefined;
    return row ? { extraction: toExtraction(row), ruleIds: this.ruleStore.idsOfExtraction(row.id) } : null;
  }

  /**
   * Removes a source with its chunks, keyframes and extractions, and every rule that came
   * from it or cites it (all versions, with tags, strategy links and confidence history), in
   * one transaction.
   *
   * @returns false when there was no such source
   */
  deleteSource(id: string): boolean {
    return this.sql.write(() => {
      if (this.sql.get('SELECT 1 FROM sources WHERE id = ?').get(id) === undefined) return false;
      const ruleIds = this.sql
        .get(
          `SELECT DISTINCT id FROM rules
           WHERE source_id = @id OR extraction_id IN (SELECT id FROM extractions WHERE source_id = @id)`,
        )
        .pluck(true)
        .all({ id }) as string[];
      for (const ruleId of ruleIds) this.ruleStore.deleteAll(ruleId);
      for (const table of ['keyframes', 'chunks', 'extractions']) {
        this.sql.get(`DELETE FROM ${table} WHERE source_id = ?`).run(id);
      }
      this.sql.get('DELETE FROM sources WHERE id = ?').run(id);
      return true;
    });
  }

  // ── Rules ──────────────────────────────────────────────────────────────────────────────

  /** Rules matching `filter`: current versions unless `current: false`, in extraction order. */
  rules(filter: RuleFilter = {}): StoredRule[] {
    return this.ruleStore.list(filter);
  }

  /** One version of a rule (the current one when `version` is unset), or null. */
  rule(id: string, version?: number): StoredRule | null {
    return this.ruleStore.get(id, version);
  }

  /** Every version of a rule, oldest first; empty for an unknown id. */
  ruleHistory(id: string): StoredRule[] {
    return this.ruleStore.history(id);
  }

  /**
   * Changes some fields of a rule as a new current version; the old one is kept. Fields the
   * patch leaves out (its citation among them) are carried over.
   *
   * @returns the new version
   * @throws {ValidationError} when the patch or the patched rule is invalid; nothing is written
   * @throws {NotFoundError} for an unknown rule, or a citation of an unknown source
   */
  editRule(id: string, patch: Partial<Rule>, by: 'user' | 'feedback'): StoredRule {
    return this.ruleStore.edit(id, patch, by);
  }

  /** Turns a rule on or off, without a new version. */
  setEnabled(id: string, enabled: boolean): void {
    this.ruleStore.setEnabled(id, enabled);
  }

  /** Tags a rule (trimmed); tagging twice is harmless. */
  tag(id: string, tag: string): void {
    this.ruleStore.tag(id, tag);
  }

  /** Removes a tag; false when the rule did not have it. */
  untag(id: string, tag: string): boolean {
    return this.ruleStore.untag(id, tag);
  }

  /**
   * Sets a rule's confidence (0..1) as a new version written by `feedback`, and records the
   * change with its reason, evidence (any JSON) and approver, in one transaction.
   *
   * @returns the new version
   */
  changeConfidence(
    id: string,
    newConfidence: number,
    reason: string,
    evidence: unknown,
    approvedBy: string,
  ): StoredRule {
    return this.ruleStore.changeConfidence(id, newConfidence, reason, evidence, approvedBy);
  }

  /** A rule's recorded confidence changes, oldest first. */
  confidenceChanges(id: string): ConfidenceChange[] {
    return this.ruleStore.confidenceChanges(id);
  }

  // ── Search ─────────────────────────────────────────────────────────────────────────────

  /**
   * Full-text search over source passages and current rules, best first, each hit with its
   * source, page or timestamp and a snippet. Any text is accepted: FTS5 operators and quotes
   * in it are searched as words, never parsed.
   */
  search(text: string, options: SearchOptions = {}): SearchHit[] {
    const input = parseOrThrow(
      SearchInputSchema,
      { text, limit: options.limit ?? 20, marks: options.marks ?? ['[', ']'] },
      'search',
    );
    return this.searcher.search(input.text, input.limit, input.marks);
  }

  // ── Strategies ─────────────────────────────────────────────────────────────────────────

  /**
   * Names a set of existing rules, in order.
   *
   * @throws {NotFoundError} naming any rule id that does not exist
   * @throws {ValidationError} when the name is taken or the input is invalid
   */
  createStrategy(name: string, ruleIds: readonly string[], note?: string): StrategySummary {
    return this.strategies.create(name, ruleIds, note);
  }

  /** A strategy with the current version of each of its rules, or null. */
  strategy(name: string): StoredStrategy | null {
    return this.strategies.get(name);
  }

  /** Every strategy, by name. */
  listStrategies(): StrategySummary[] {
    return this.strategies.list();
  }

  // ── Internals ──────────────────────────────────────────────────────────────────────────

  private ensureSource(input: Ingestion): void {
    const { source } = input;
    const stored = this.sql.get('SELECT content_hash FROM sources WHERE id = ?').pluck(true).get(source.id) as
      string | undefined;
    // Same bytes, same reading: the chunks and keyframes stored the first time stand.
    if (stored === source.contentHash) return;
    if (stored !== undefined) {
      throw new ValidationError(`ingestion: source.id: ${source.id} is already used by other content (${stored})`);
    }
    this.sql
      .get(
        `INSERT INTO sources (id, kind, name, bytes, content_hash, pages, duration_sec, added_at, notices)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        source.id,
        source.kind,
        source.name,
        source.bytes,
        source.contentHash,
        source.pages,
        source.durationSec,
        Math.trunc(this.now()),
        JSON.stringify(input.notices),
      );
    const chunk = this.sql.get(
      `INSERT INTO chunks (source_id, idx, heading, text, page_from, page_to, sec_from, sec_to)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const c of input.chunks) {
      chunk.run(
        source.id,
        c.index,
        c.heading,
        c.text,
        c.pages?.from ?? null,
        c.pages?.to ?? null,
        c.seconds?.from ?? null,
        c.seconds?.to ?? null,
      );
    }
    const keyframe = this.sql.get('INSERT INTO keyframes (source_id, timestamp, path, hash) VALUES (?, ?, ?, ?)');
    for (const k of input.keyframes) keyframe.run(source.id, k.timestamp, k.path, k.hash);
  }

  /** A new id `prefix` + 10 hex digits, not yet used in `table`. */
  private newId(prefix: 'r-' | 'x-', table: 'rules' | 'extractions'): string {
    const taken = this.sql.get(`SELECT 1 FROM ${table} WHERE id = ?`);
    for (let attempt = 0; attempt < ID_ATTEMPTS; attempt++) {
      const id = `${prefix}${this.randomHex(10)}`;
      if (taken.get(id) === undefined) return id;
    }
    throw new Error(`could not draw a free ${table} id in ${ID_ATTEMPTS} attempts: is the random source broken?`);
  }
}

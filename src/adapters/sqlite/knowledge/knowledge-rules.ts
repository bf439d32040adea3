import { NotFoundError, ValidationError } from '../../../shared/contract/errors.ts';
import { RuleSchema, type Rule } from '../../../shared/contract/knowledge.ts';
import { parseOrThrow } from '../../../shared/contract/validation.ts';
import { RULE_COLUMNS, toConfidenceChange, toRule, type ConfidenceChangeRow, type RuleRow } from './knowledge-rows.ts';
import {
  ConfidenceChangeInputSchema,
  EditorSchema,
  RuleFilterSchema,
  RulePatchSchema,
  TagSchema,
} from './knowledge-schemas.ts';
import type { ConfidenceChange, RuleAuthor, RuleFilter, StoredRule } from './knowledge-types.ts';
import type { StatementCache } from './statement-cache.ts';

/** What a new version row needs besides the rule itself. */
export interface NewRuleVersion {
  readonly id: string;
  readonly version: number;
  readonly rule: Rule;
  readonly extractionId: string | null;
  readonly enabled: boolean;
  readonly createdBy: RuleAuthor;
  readonly supersedes: number | null;
  readonly at: number;
}

// Rules in the order they were first written (extraction order), then by version.
const RULE_ORDER = 'ORDER BY (SELECT MIN(f.seq) FROM rules f WHERE f.id = r.id), r.version';

/**
 * Versioned rules. A change never rewrites a rule: it adds a version and marks it current, so
 * the history of what the trader (or the feedback loop) changed is kept. Only the `enabled`
 * switch and tags, which are not the rule's content, change in place.
 */
export class KnowledgeRules {
  private readonly sql: StatementCache;
  private readonly now: () => number;

  constructor(sql: StatementCache, now: () => number) {
    this.sql = sql;
    this.now = now;
  }

  /** Rules matching `filter`; current versions unless `current: false`. */
  list(filter: RuleFilter = {}): StoredRule[] {
    const f = parseOrThrow(RuleFilterSchema, filter, 'rule filter');
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (f.current ?? true) where.push('r.current = 1');
    if (f.sourceId !== undefined) {
      where.push('r.source_id = ?');
      params.push(f.sourceId);
    }
    if (f.kind !== undefined) {
      where.push('r.kind = ?');
      params.push(f.kind);
    }
    if (f.enabled !== undefined) {
      where.push('r.enabled = ?');
      params.push(f.enabled ? 1 : 0);
    }
    if (f.tag !== undefined) {
      where.push('r.id IN (SELECT rule_id FROM tags WHERE tag = ?)');
      params.push(f.tag.trim());
    }
    const condition = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    const rows = this.sql.get(`SELECT ${RULE_COLUMNS} FROM rules r ${condition} ${RULE_ORDER}`).all(...params);
    return (rows as RuleRow[]).map(toRule);
  }

  /** One version of a rule (the current one when `version` is unset), or null. */
  get(id: string, version?: number): StoredRule | null {
    const row = (
      version === undefined
        ? this.sql.get(`SELECT ${RULE_COLUMNS} FROM rules r WHERE r.id = ? AND r.current = 1`).get(id)
        : this.sql.get(`SELECT ${RULE_COLUMNS} FROM rules r WHERE r.id = ? AND r.version = ?`).get(id, version)
    ) as RuleRow | undefined;
    return row ? toRule(row) : null;
  }

  /** Every version of a rule, oldest first; empty for an unknown id. */
  history(id: string): StoredRule[] {
    const rows = this.sql.get(`SELECT ${RULE_COLUMNS} FROM rules r WHERE r.id = ? ORDER BY r.version`).all(id);
    return (rows as RuleRow[]).map(toRule);
  }

  /** Ids of the rules an extraction produced, in extraction order. */
  idsOfExtraction(extractionId: string): string[] {
    return this.sql
      .get('SELECT id FROM rules WHERE extraction_id = ? AND version = 1 ORDER BY seq')
      .pluck(true)
      .all(extractionId) as string[];
  }

  /** The current version of a rule, or a {@link NotFoundError} naming it. */
  require(id: string): StoredRule {
    const rule = this.get(id);
    if (!rule) throw new NotFoundError(`rule ${id} does not exist`);
    return rule;
  }

  /** Writes a version row; the caller has validated the rule and unmarked the previous current. */
  insert(v: NewRuleVersion): void {
    const { citation } = v.rule;
    // Checked here rather than left to the foreign key, which a connection may have disabled.
    if (this.sql.get('SELECT 1 FROM sources WHERE id = ?').get(citation.sourceId) === undefined) {
      throw new NotFoundError(`rule ${v.id} cites source ${citation.sourceId}, which is not in the knowledge base`);
    }
    this.sql
      .get(
        `INSERT INTO rules (id, version, current, body, name, kind, source_id, extraction_id, page, timestamp,
                            quote, confidence, enabled, created_at, created_by, supersedes)
         VALUES (@id, @version, 1, @body, @name, @kind, @sourceId, @extractionId, @page, @timestamp,
                 @quote, @confidence, @enabled, @at, @createdBy, @supersedes)`,
      )
      .run({
        id: v.id,
        version: v.version,
        body: JSON.stringify(v.rule),
        name: v.rule.name,
        kind: v.rule.kind,
        sourceId: citation.sourceId,
        extractionId: v.extractionId,
        page: citation.page,
        timestamp: citation.timestamp,
        quote: citation.quote,
        confidence: v.rule.confidence,
        enabled: v.enabled ? 1 : 0,
        at: v.at,
        createdBy: v.createdBy,
        supersedes: v.supersedes,
      });
  }

  /**
   * Applies `patch` to the current version as a new version. Fields the patch leaves out,
   * the citation among them, are kept. An invalid result is a {@link ValidationError} and
   * nothing is written.
   */
  edit(id: string, patch: Partial<Rule>, by: 'user' | 'feedback'): StoredRule {
    const editor = parseOrThrow(EditorSchema, by, `edit of rule ${id}: by`);
    const changes = parseOrThrow(RulePatchSchema, patch, `edit of rule ${id}`);
    return this.sql.write(() => {
      const current = this.require(id);
      const rule = parseOrThrow(RuleSchema, { ...current.rule, ...changes }, `edit of rule ${id}`);
      return this.addVersion(current, rule, editor);
    });
  }

  /** Turns a rule on or off (every version: the switch is not part of the content). */
  setEnabled(id: string, enabled: boolean): void {
    if (typeof enabled !== 'boolean') throw new ValidationError(`enabled: must be true or false`);
    const { changes } = this.sql.get('UPDATE rules SET enabled = ? WHERE id = ?').run(enabled ? 1 : 0, id);
    if (changes === 0) throw new NotFoundError(`rule ${id} does not exist`);
  }

  /** Tags a rule; tagging twice is harmless. */
  tag(id: string, tag: string): void {
    const name = parseOrThrow(TagSchema, tag, 'tag');
    this.sql.write(() => {
      this.require(id);
      this.sql.get('INSERT OR IGNORE INTO tags (rule_id, tag) VALUES (?, ?)').run(id, name);
    });
  }

  /** Removes a tag; false when the rule did not have it. */
  untag(id: string, tag: string): boolean {
    const name = parseOrThrow(TagSchema, tag, 'tag');
    return this.sql.get('DELETE FROM tags WHERE rule_id = ? AND tag = ?').run(id, name).changes > 0;
  }

  /**
   * Sets a rule's confidence as a new version (by `feedback`) and records who approved it,
   * why and on what evidence, in one transaction.
   */
  changeConfidence(id: string, confidence: number, reason: string, evidence: unknown, approvedBy: string): StoredRule {
    const input = parseOrThrow(
      ConfidenceChangeInputSchema,
      { confidence, reason, evidence, approvedBy },
      `confidence change of rule ${id}`,
    );
    return this.sql.write(() => {
      const current = this.require(id);
      if (current.rule.confidence === input.confidence) {
        throw new ValidationError(`confidence change of rule ${id}: confidence is already ${input.confidence}`);
      }
      const next = this.addVersion(current, { ...current.rule, confidence: input.confidence }, 'feedback');
      this.sql
        .get(
          `INSERT INTO confidence_changes (rule_id, from_version, to_version, old, new, reason, evidence, approved_by, at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          id,
          current.version,
          next.version,
          current.rule.confidence,
          input.confidence,
          input.reason,
          JSON.stringify(input.evidence),
          input.approvedBy,
          next.createdAt,
        );
      return next;
    });
  }

  /** A rule's confidence changes, oldest first. */
  confidenceChanges(id: string): ConfidenceChange[] {
    const rows = this.sql.get('SELECT * FROM confidence_changes WHERE rule_id = ? ORDER BY id').all(id);
    return (rows as ConfidenceChangeRow[]).map(toConfidenceChange);
  }

  /** Removes every version of a rule with its tags, strategy links and confidence history. */
  deleteAll(id: string): void {
    for (const table of ['tags', 'strategy_rules', 'confidence_changes']) {
      this.sql.get(`DELETE FROM ${table} WHERE rule_id = ?`).run(id);
    }
    this.sql.get('DELETE FROM rules WHERE id = ?').run(id);
  }

  private addVersion(current: StoredRule, rule: Rule, by: RuleAuthor): StoredRule {
    const version = current.version + 1;
    this.sql.get('UPDATE rules SET current = 0 WHERE id = ? AND version = ?').run(current.id, current.version);
    this.insert({
      id: current.id,
      version,
      rule,
      extractionId: current.extractionId,
      enabled: current.enabled,
      createdBy: by,
      supersedes: current.version,
      at: Math.trunc(this.now()),
    });
    return this.get(current.id, version) as StoredRule;
  }
}

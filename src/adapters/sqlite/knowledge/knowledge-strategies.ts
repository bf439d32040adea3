import { z } from 'zod';
import { NotFoundError, ValidationError } from '../../../shared/contract/errors.ts';
import { parseOrThrow } from '../../../shared/contract/validation.ts';
import { RULE_COLUMNS, toRule, type RuleRow } from './knowledge-rows.ts';
import type { KnowledgeRules } from './knowledge-rules.ts';
import { StrategyInputSchema } from './knowledge-schemas.ts';
import type { StoredStrategy, StrategySummary } from './knowledge-types.ts';
import type { StatementCache } from './statement-cache.ts';

interface StrategyRow {
  name: string;
  note: string | null;
  created_at: number;
  rule_ids: string;
}

/**
 * Named sets of rules. A strategy links rule ids, not versions: it always uses the current
 * version of each rule, so an edit reaches every strategy that uses the rule.
 */
export class KnowledgeStrategies {
  private readonly sql: StatementCache;
  private readonly rules: KnowledgeRules;
  private readonly now: () => number;

  constructor(sql: StatementCache, rules: KnowledgeRules, now: () => number) {
    this.sql = sql;
    this.rules = rules;
    this.now = now;
  }

  /**
   * Creates a strategy from existing rules, in the given order. An unknown rule id is a
   * {@link NotFoundError} naming it; a name already used is a {@link ValidationError}.
   */
  create(name: string, ruleIds: readonly string[], note?: string): StrategySummary {
    const input = parseOrThrow(StrategyInputSchema, { name, ruleIds, note: note ?? null }, 'strategy');
    return this.sql.write(() => {
      if (this.sql.get('SELECT 1 FROM strategies WHERE name = ?').get(input.name) !== undefined) {
        throw new ValidationError(`strategy: name: a strategy named "${input.name}" already exists`);
      }
      const missing = input.ruleIds.filter((id) => this.rules.get(id) === null);
      if (missing.length > 0) {
        throw new NotFoundError(`strategy "${input.name}": no rule ${missing.join(', ')}`);
      }
      const createdAt = Math.trunc(this.now());
      this.sql
        .get('INSERT INTO strategies (name, created_at, note) VALUES (?, ?, ?)')
        .run(input.name, createdAt, input.note);
      const link = this.sql.get('INSERT INTO strategy_rules (strategy, rule_id, position) VALUES (?, ?, ?)');
      input.ruleIds.forEach((id, position) => link.run(input.name, id, position));
      return { name: input.name, note: input.note, createdAt, ruleIds: input.ruleIds };
    });
  }

  /** A strategy with the current version of each rule, or null. */
  get(name: string): StoredStrategy | null {
    return this.sql.read(() => {
      const row = this.sql.get('SELECT name, note, created_at FROM strategies WHERE name = ?').get(name) as
        Omit<StrategyRow, 'rule_ids'> | undefined;
      if (!row) return null;
      const rules = this.sql
        .get(
          `SELECT ${RULE_COLUMNS} FROM strategy_rules sr
           JOIN rules r ON r.id = sr.rule_id AND r.current = 1
           WHERE sr.strategy = ? ORDER BY sr.position`,
        )
        .all(name) as RuleRow[];
      return { name: row.name, note: row.note, createdAt: row.created_at, rules: rules.map(toRule) };
    });
  }

  /** Every strategy, by name. */
  list(): StrategySummary[] {
    const rows = this.sql
      .get(
        `SELECT s.name, s.note, s.created_at,
                (SELECT json_group_array(rule_id)
                   FROM (SELECT rule_id FROM strategy_rules WHERE strategy = s.name ORDER BY position)) AS rule_ids
         FROM strategies s ORDER BY s.name`,
      )
      .all() as StrategyRow[];
    return rows.map((row) => ({
      name: row.name,
      note: row.note,
      createdAt: row.created_at,
      ruleIds: parseOrThrow(z.array(z.string()), JSON.parse(row.rule_ids), `strategy ${row.name} rules`),
    }));
  }
}

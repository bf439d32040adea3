import type { Database, Statement } from 'better-sqlite3';
import { toFtsQuery } from './fts-query.ts';
import type { ChunkHit, RuleHit, SearchHit } from './knowledge-types.ts';

interface ChunkHitRow {
  source_id: string;
  source_name: string;
  idx: number;
  heading: string | null;
  page_from: number | null;
  sec_from: number | null;
  snippet: string;
  score: number;
}

interface RuleHitRow {
  id: string;
  version: number;
  name: string;
  enabled: number;
  source_id: string;
  source_name: string;
  page: number | null;
  timestamp: number | null;
  snippet: string;
  score: number;
}

/** Words around a match in a snippet. */
const SNIPPET_TOKENS = 16;

/**
 * Full-text search over source passages (`chunks_fts`) and current rules (`rules_fts`).
 * Headings and rule names weigh twice as much as body text and quotes.
 */
export class KnowledgeSearch {
  private readonly chunkHits: Statement;
  private readonly ruleHits: Statement;

  constructor(db: Database) {
    this.chunkHits = db.prepare(`
      SELECT c.source_id, s.name AS source_name, c.idx, c.heading, c.page_from, c.sec_from,
             snippet(chunks_fts, -1, @open, @close, '…', ${SNIPPET_TOKENS}) AS snippet,
             bm25(chunks_fts, 2.0, 1.0) AS score
      FROM chunks_fts
      JOIN chunks c ON c.id = chunks_fts.rowid
      JOIN sources s ON s.id = c.source_id
      WHERE chunks_fts MATCH @query
      ORDER BY score LIMIT @limit`);
    this.ruleHits = db.prepare(`
      SELECT r.id, r.version, r.name, r.enabled, r.source_id, s.name AS source_name, r.page, r.timestamp,
             snippet(rules_fts, -1, @open, @close, '…', ${SNIPPET_TOKENS}) AS snippet,
             bm25(rules_fts, 2.0, 1.0) AS score
      FROM rules_fts
      JOIN rules r ON r.seq = rules_fts.rowid
      JOIN sources s ON s.id = r.source_id
      WHERE rules_fts MATCH @query AND r.current = 1
      ORDER BY score LIMIT @limit`);
  }

  /**
   * Best hits first. The two indexes score against different collections, so their ranks are
   * comparable only roughly; each contributes its own best `limit` before the merge.
   */
  search(text: string, limit: number, marks: readonly [string, string]): SearchHit[] {
    const query = toFtsQuery(text);
    if (query === null) return [];
    const params = { query, limit, open: marks[0], close: marks[1] };
    const chunks = (this.chunkHits.all(params) as ChunkHitRow[]).map((row): ChunkHit => ({
      kind: 'chunk',
      sourceId: row.source_id,
      sourceName: row.source_name,
      chunkIndex: row.idx,
      heading: row.heading,
      page: row.page_from,
      timestamp: row.sec_from,
      snippet: row.snippet,
      rank: row.score,
    }));
    const rules = (this.ruleHits.all(params) as RuleHitRow[]).map((row): RuleHit => ({
      kind: 'rule',
      ruleId: row.id,
      version: row.version,
      name: row.name,
      enabled: row.enabled === 1,
      sourceId: row.source_id,
      sourceName: row.source_name,
      page: row.page,
      timestamp: row.timestamp,
      snippet: row.snippet,
      rank: row.score,
    }));
    return [...chunks, ...rules].sort((a, b) => a.rank - b.rank).slice(0, limit);
  }
}

import BetterSqlite3 from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { KnowledgeStore } from '../../../src/adapters/sqlite/knowledge/knowledge-store.ts';
import { MIGRATIONS, LATEST_SCHEMA_VERSION } from '../../../src/adapters/sqlite/migrations.ts';
import { migrate } from '../../../src/adapters/sqlite/migrator.ts';
import { openDatabase } from '../../../src/adapters/sqlite/open-database.ts';
import type { ExtractionReport, Ingestion } from '../../../src/engine/learning/learning-ports.ts';
import { NotFoundError, ValidationError } from '../../../src/shared/contract/errors.ts';
import type { Rule } from '../../../src/shared/contract/knowledge.ts';
import { tempDir } from '../../helpers/paths.ts';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

const NOW = 1_700_000_000_000;
const PDF_HASH = '0123456789abcdef'.repeat(4);
const PDF_ID = PDF_HASH.slice(0, 16);
const VIDEO_HASH = 'fedcba9876543210'.repeat(4);
const VIDEO_ID = VIDEO_HASH.slice(0, 16);

/** Every table the knowledge schema writes, FTS indexes included. */
const KNOWLEDGE_TABLES = [
  'sources',
  'chunks',
  'chunks_fts',
  'keyframes',
  'extractions',
  'rules',
  'rules_fts',
  'tags',
  'strategies',
  'strategy_rules',
  'confidence_changes',
];

function pdfIngestion(): Ingestion {
  return {
    source: {
      id: PDF_ID,
      kind: 'pdf',
      name: 'breakouts.pdf',
      bytes: 52_000,
      contentHash: PDF_HASH,
      pages: 12,
      durationSec: null,
    },
    chunks: [
      {
        sourceId: PDF_ID,
        index: 0,
        heading: 'Entries',
        text: 'Wait for the engulfing candle after a liquidity sweep of the range high, then enter on the retest.',
        pages: { from: 1, to: 2 },
        seconds: null,
      },
      {
        sourceId: PDF_ID,
        index: 1,
        heading: 'Risk',
        text: 'Risk one percent per trade. Stops go beyond the swing low, never inside the range.',
        pages: { from: 5, to: 5 },
        seconds: null,
      },
    ],
    notices: ['page 7 is a scan without text'],
    keyframes: [],
  };
}

function videoIngestion(): Ingestion {
  return {
    source: {
      id: VIDEO_ID,
      kind: 'video',
      name: 'onion-setup.mp4',
      bytes: 9_000_000,
      contentHash: VIDEO_HASH,
      pages: null,
      durationSec: 600,
    },
    chunks: [
      {
        sourceId: VIDEO_ID,
        index: 0,
        heading: null,
        text: 'The onion setup: a pin bar rejecting the daily level after the drive phase.',
        pages: null,
        seconds: { from: 90, to: 120.5 },
      },
    ],
    notices: [],
    keyframes: [
      { timestamp: 95.5, path: '/data/frames/a.png', hash: '00ff00ff00ff00ff' },
      { timestamp: 12, path: '/data/frames/b.png', hash: 'ff00ff00ff00ff00' },
    ],
  };
}

function rule(name: string, overrides: Partial<Rule> = {}): Rule {
  return {
    name,
    kind: 'entry',
    timeframes: ['1h'],
    conditions: [],
    direction: 'long',
    stop: null,
    targets: [],
    riskPercent: null,
    confidence: 0.9,
    citation: { sourceId: PDF_ID, page: 1, timestamp: null, quote: 'Wait for the engulfing candle' },
    ...overrides,
  };
}

const PDF_RULES: Rule[] = [
  rule('Engulfing after sweep', {
    conditions: [
      { type: 'structure', event: 'sweep', direction: 'bull', timeframe: null },
      { type: 'pattern', pattern: 'engulfing', direction: 'bull', timeframe: '1h' },
    ],
  }),
  rule('One percent risk', {
    kind: 'risk',
    riskPercent: 1,
    confidence: 0.8,
    citation: { sourceId: PDF_ID, page: 5, timestamp: null, quote: 'Risk one percent per trade' },
  }),
  rule('Stop beyond the swing', {
    kind: 'exit',
    stop: { type: 'swing', value: null, text: null },
    citation: { sourceId: PDF_ID, page: 5, timestamp: null, quote: 'Stops go beyond the swing low' },
  }),
];

const VIDEO_RULE = rule('Onion pin bar', {
  conditions: [{ type: 'pattern', pattern: 'pin-bar', direction: null, timeframe: '1d' }],
  citation: { sourceId: VIDEO_ID, page: null, timestamp: 95.5, quote: 'a pin bar rejecting the daily level' },
});

function report(rules: readonly Rule[], method: 'claude' | 'offline' = 'claude'): ExtractionReport {
  return {
    method,
    model: method === 'claude' ? 'claude-sonnet-test' : 'offline',
    rules,
    failures:
      method === 'claude' ? [{ chunkIndex: 1, message: 'the reply was not JSON', raw: '{"rules": [ {"name": ' }] : [],
    usage: {
      inputTokens: 1200,
      outputTokens: 300,
      cacheReadTokens: 1000,
      cacheWriteTokens: 0,
      costUsd: method === 'claude' ? '0.012345' : '0',
    },
    calls: method === 'claude' ? 2 : 0,
  };
}

type Kind = 'memory' | 'file';

function openRaw(kind: Kind): BetterSqlite3.Database {
  if (kind === 'file') {
    const tmp = tempDir();
    cleanups.push(tmp.remove);
    const db = openDatabase(join(tmp.dir, 'store.db'));
    cleanups.push(() => db.close());
    return db;
  }
  const db = new BetterSqlite3(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db);
  cleanups.push(() => db.close());
  return db;
}

function setup(kind: Kind, options: { randomHex?: (digits: number) => string } = {}) {
  const db = openRaw(kind);
  let clock = NOW;
  const store = new KnowledgeStore(db, { now: () => clock, ...options });
  return { db, store, tick: (ms = 1000) => (clock += ms) };
}

function counts(db: BetterSqlite3.Database): Record<string, number> {
  return Object.fromEntries(
    KNOWLEDGE_TABLES.map((t) => [t, db.prepare(`SELECT count(*) FROM ${t}`).pluck(true).get() as number]),
  );
}

const EMPTY = Object.fromEntries(KNOWLEDGE_TABLES.map((t) => [t, 0]));

/** Everything in the knowledge tables, to prove a refused call changed nothing at all. */
function snapshot(db: BetterSqlite3.Database): Record<string, unknown[]> {
  return Object.fromEntries(KNOWLEDGE_TABLES.map((t) => [t, db.prepare(`SELECT * FROM ${t}`).all()]));
}

/** FTS5's own check that each index matches its content table exactly. */
function expectIndexesIntact(db: BetterSqlite3.Database): void {
  for (const fts of ['chunks_fts', 'rules_fts']) {
    expect(() => db.prepare(`INSERT INTO ${fts} (${fts}, rank) VALUES ('integrity-check', 1)`).run()).not.toThrow();
  }
}

describe.each<Kind>(['memory', 'file'])('knowledge store (%s database)', (kind) => {
  describe('saveIngestion', () => {
    it('round-trips a source, its chunks, the extraction and its rules as version 1', () => {
      const { store } = setup(kind);
      const saved = store.saveIngestion(pdfIngestion(), report(PDF_RULES));

      expect(saved.sourceId).toBe(PDF_ID);
      expect(saved.extractionId).toMatch(/^x-[0-9a-f]{10}$/);
      expect(saved.reused).toBe(false);
      expect(saved.ruleIds).toHaveLength(3);
      for (const id of saved.ruleIds) expect(id).toMatch(/^r-[0-9a-f]{10}$/);
      expect(new Set(saved.ruleIds).size).toBe(3);

      const source = { ...pdfIngestion().source, addedAt: NOW, notices: ['page 7 is a scan without text'] };
      expect(store.getSource(PDF_ID)).toEqual(source);
      expect(store.findSourceByHash(PDF_HASH)).toEqual(source);
      expect(store.listSources()).toEqual([source]);
      expect(store.chunks(PDF_ID)).toEqual(pdfIngestion().chunks);

      const [extraction] = store.extractions(PDF_ID);
      expect(extraction).toEqual({
        id: saved.extractionId,
        sourceId: PDF_ID,
        method: 'claude',
        model: 'claude-sonnet-test',
        createdAt: NOW,
        calls: 2,
        usage: report([]).usage,
        failures: [{ chunkIndex: 1, message: 'the reply was not JSON', raw: '{"rules": [ {"name": ' }],
      });
      expect(extraction?.usage.costUsd).toBe('0.012345');

      const rules = store.rules();
      expect(rules.map((r) => r.id)).toEqual(saved.ruleIds);
      expect(rules.map((r) => r.rule)).toEqual(PDF_RULES);
      for (const r of rules) {
        expect(r).toMatchObject({
          version: 1,
          current: true,
          enabled: true,
          sourceId: PDF_ID,
          extractionId: saved.extractionId,
          createdAt: NOW,
          createdBy: 'extractor:claude',
          supersedes: null,
          tags: [],
        });
      }
      expect(store.rule(saved.ruleIds[1]!)?.rule).toEqual(PDF_RULES[1]);
    });

    it('keeps a video’s time spans and keyframes', () => {
      const { store } = setup(kind);
      const saved = store.saveIngestion(videoIngestion(), report([VIDEO_RULE], 'offline'));
      expect(store.chunks(VIDEO_ID)).toEqual(videoIngestion().chunks);
      expect(store.keyframes(VIDEO_ID)).toEqual([
        { sourceId: VIDEO_ID, timestamp: 12, path: '/data/frames/b.png', hash: 'ff00ff00ff00ff00' },
        { sourceId: VIDEO_ID, timestamp: 95.5, path: '/data/frames/a.png', hash: '00ff00ff00ff00ff' },
      ]);
      expect(store.rule(saved.ruleIds[0]!)).toMatchObject({
        createdBy: 'extractor:offline',
        rule: { citation: { page: null, timestamp: 95.5 } },
      });
    });

    it('is idempotent: saving the same source and method again writes nothing and returns the same rules', () => {
      const { db, store, tick } = setup(kind);
      const first = store.saveIngestion(pdfIngestion(), report(PDF_RULES));
      const before = snapshot(db);
      tick();
      const again = store.saveIngestion(pdfIngestion(), report(PDF_RULES));
      expect(again).toEqual({ ...first, reused: true });
      expect(snapshot(db)).toEqual(before);
    });

    it('reuses the stored source for another method, adding only that extraction and its rules', () => {
      const { db, store } = setup(kind);
      const claude = store.saveIngestion(pdfIngestion(), report(PDF_RULES));
      const offline = store.saveIngestion(pdfIngestion(), report(PDF_RULES.slice(0, 1), 'offline'));
      expect(offline.sourceId).toBe(PDF_ID);
      expect(offline.extractionId).not.toBe(claude.extractionId);
      expect(offline.ruleIds).toHaveLength(1);
      expect(claude.ruleIds).not.toContain(offline.ruleIds[0]);
      expect(counts(db)).toMatchObject({ sources: 1, chunks: 2, extractions: 2, rules: 4 });
    });

    it('refuses invalid input with a ValidationError naming the field, writing nothing', () => {
      const { db, store } = setup(kind);
      const badRule = { ...PDF_RULES[2]!, confidence: 5 };
      const cases: [Ingestion, ExtractionReport, RegExp][] = [
        [pdfIngestion(), report([PDF_RULES[0]!, PDF_RULES[1]!, badRule]), /rules\.2\.confidence/],
        [pdfIngestion(), report([{ ...PDF_RULES[0]!, citation: VIDEO_RULE.citation }]), /rules\.0\.citation\.sourceId/],
        [pdfIngestion(), { ...report(PDF_RULES), usage: { ...report([]).usage, costUsd: '1e-3' } }, /usage\.costUsd/],
        [{ ...pdfIngestion(), source: { ...pdfIngestion().source, id: VIDEO_ID } }, report([]), /source\.id/],
        [{ ...pdfIngestion(), source: { ...pdfIngestion().source, name: '/home/me/x.pdf' } }, report([]), /name/],
        [
          { ...pdfIngestion(), chunks: [pdfIngestion().chunks[0]!, pdfIngestion().chunks[0]!] },
          report([]),
          /chunks\.1\.index/,
        ],
      ];
      for (const [ingestion, extraction, field] of cases) {
        const call = () => store.saveIngestion(ingestion, extraction);
        expect(call).toThrow(ValidationError);
        expect(call).toThrow(field);
      }
      expect(counts(db)).toEqual(EMPTY);
    });

    it('leaves no row at all when it fails half-way through the rules', () => {
      const { db, store } = setup(kind);
      // A crash after the source, chunks, extraction and two rules were written.
      db.exec(`CREATE TEMP TRIGGER crash BEFORE INSERT ON main.rules WHEN (SELECT count(*) FROM main.rules) = 2
               BEGIN SELECT RAISE(ABORT, 'simulated crash'); END`);
      expect(() => store.saveIngestion(pdfIngestion(), report(PDF_RULES))).toThrow(/simulated crash/);
      expect(counts(db)).toEqual(EMPTY);
      expect(store.search('engulfing')).toEqual([]);
      expect(store.findExtraction(PDF_HASH, 'claude')).toBeNull();

      db.exec('DROP TRIGGER temp.crash');
      const saved = store.saveIngestion(pdfIngestion(), report(PDF_RULES));
      expect(saved.reused).toBe(false);
      expect(counts(db)).toMatchObject({ sources: 1, chunks: 2, extractions: 1, rules: 3 });
      expectIndexesIntact(db);
    });

    it('rolls back everything when no free rule id can be drawn', () => {
      // The same "random" digits every time: the second rule's id can never be free.
      const { db, store } = setup(kind, { randomHex: (digits) => 'a'.repeat(digits) });
      expect(() => store.saveIngestion(pdfIngestion(), report(PDF_RULES))).toThrow(/could not draw a free rules id/);
      expect(counts(db)).toEqual(EMPTY);
    });
  });

  describe('findExtraction', () => {
    it('finds what a method already extracted from the same content, by hash', () => {
      const { store } = setup(kind);
      expect(store.findExtraction(PDF_HASH, 'claude')).toBeNull();
      const saved = store.saveIngestion(pdfIngestion(), report(PDF_RULES));

      const hit = store.findExtraction(PDF_HASH, 'claude');
      expect(hit?.extraction).toMatchObject({ id: saved.extractionId, sourceId: PDF_ID, method: 'claude', calls: 2 });
      expect(hit?.ruleIds).toEqual(saved.ruleIds);
      expect(store.findExtraction(PDF_HASH, 'offline')).toBeNull();
      expect(store.findExtraction(VIDEO_HASH, 'claude')).toBeNull();
      expect(() => store.findExtraction(PDF_HASH, 'gpt' as 'claude')).toThrow(ValidationError);
    });

    it('still lists an edited rule under its extraction, once', () => {
      const { store } = setup(kind);
      const saved = store.saveIngestion(pdfIngestion(), report(PDF_RULES));
      store.editRule(saved.ruleIds[0]!, { name: 'Renamed' }, 'user');
      expect(store.findExtraction(PDF_HASH, 'claude')?.ruleIds).toEqual(saved.ruleIds);
    });
  });

  describe('search', () => {
    function seeded() {
      const s = setup(kind);
      const pdf = s.store.saveIngestion(pdfIngestion(), report(PDF_RULES));
      const video = s.store.saveIngestion(videoIngestion(), report([VIDEO_RULE], 'offline'));
      return { ...s, pdf, video };
    }

    it('finds words of chunks and rules with their page citations and snippets', () => {
      const { store, pdf } = seeded();
      const hits = store.search('engulfing');
      expect(hits.map((h) => h.kind).sort()).toEqual(['chunk', 'rule']);
      expect(hits.find((h) => h.kind === 'chunk')).toMatchObject({
        kind: 'chunk',
        sourceId: PDF_ID,
        sourceName: 'breakouts.pdf',
        chunkIndex: 0,
        heading: 'Entries',
        page: 1,
        timestamp: null,
      });
      expect(hits.find((h) => h.kind === 'rule')).toMatchObject({
        kind: 'rule',
        ruleId: pdf.ruleIds[0],
        version: 1,
        name: 'Engulfing after sweep',
        enabled: true,
        page: 1,
        timestamp: null,
      });
      expect(hits.find((h) => h.kind === 'chunk')?.snippet).toContain('the [engulfing] candle after');
      for (const h of hits) {
        expect(h.snippet.toLowerCase()).toContain('[engulfing]');
        expect(h.rank).toBeLessThan(0);
      }
      expect(hits[0]!.rank).toBeLessThanOrEqual(hits[1]!.rank);
    });

    it('cites pages of a document and seconds of a video', () => {
      const { store, video } = seeded();
      const swing = store.search('swing low');
      expect(swing.length).toBeGreaterThan(0);
      for (const h of swing) expect(h.page).toBe(5);

      const pin = store.search('pin bar');
      expect(pin).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ kind: 'chunk', sourceId: VIDEO_ID, page: null, timestamp: 90 }),
          expect.objectContaining({ kind: 'rule', ruleId: video.ruleIds[0], page: null, timestamp: 95.5 }),
        ]),
      );
    });

    it('requires every word, matches word forms and phrases, and honours limit and marks', () => {
      const { store } = seeded();
      expect(store.search('engulfing onion')).toEqual([]);
      expect(store.search('stop').map((h) => h.page)).toContain(5);
      expect(store.search('pin-bar').length).toBeGreaterThan(0);
      expect(store.search('range', { limit: 1 })).toHaveLength(1);
      expect(store.search('retest', { marks: ['<b>', '</b>'] })[0]?.snippet).toContain('<b>retest</b>');
      expect(() => store.search('x', { limit: 0 })).toThrow(ValidationError);
    });

    it('treats hostile text as words: quotes and FTS5 operators never throw', () => {
      const { store } = seeded();
      const hostile = [
        '"',
        '""',
        'AND (',
        ')',
        'OR',
        'NOT engulfing',
        'engulfing NEAR(',
        '*',
        'eng*',
        '^range',
        'heading:risk',
        '-',
        "'; DROP TABLE rules; --",
        '"unterminated phrase',
        '{text heading}: x',
        '',
        '   ',
        'NEAR("a" "b", 2)',
        '\u0000',
      ];
      for (const text of hostile) expect(() => store.search(text), text).not.toThrow();
      expect(store.search('"engulfing"').length).toBeGreaterThan(0);
      // `AND` is the word "and", not an operator: no passage says "and" next to "engulfing".
      expect(store.search('engulfing AND')).toEqual([]);
      expect(store.search('"')).toEqual([]);
      expect(store.rules()).toHaveLength(4);
    });

    it('searches the current version of an edited rule only', () => {
      const { db, store, pdf } = seeded();
      store.editRule(pdf.ruleIds[0]!, { name: 'Bullish engulfing reclaim' }, 'user');
      const ruleHits = store.search('reclaim').filter((h) => h.kind === 'rule');
      expect(ruleHits).toEqual([expect.objectContaining({ ruleId: pdf.ruleIds[0], version: 2 })]);
      expect(store.search('sweep').filter((h) => h.kind === 'rule')).toEqual([]);
      expectIndexesIntact(db);
    });
  });

  describe('editRule', () => {
    it('makes version 2 and keeps version 1 with the history', () => {
      const { store, tick } = setup(kind);
      const [id] = store.saveIngestion(pdfIngestion(), report(PDF_RULES)).ruleIds;
      tick(5000);
      const v2 = store.editRule(id!, { name: 'Engulfing after a sweep of highs', timeframes: ['4h'] }, 'user');

      expect(v2).toMatchObject({
        id,
        version: 2,
        current: true,
        createdBy: 'user',
        createdAt: NOW + 5000,
        supersedes: 1,
        extractionId: expect.stringMatching(/^x-/),
      });
      expect(v2.rule).toEqual({ ...PDF_RULES[0], name: 'Engulfing after a sweep of highs', timeframes: ['4h'] });
      expect(v2.rule.citation).toEqual(PDF_RULES[0]!.citation);

      expect(store.rule(id!)).toEqual(v2);
      expect(store.rule(id!, 1)).toMatchObject({ version: 1, current: false, rule: PDF_RULES[0] });
      expect(store.rule(id!, 3)).toBeNull();
      expect(store.ruleHistory(id!).map((r) => [r.version, r.current, r.rule.name])).toEqual([
        [1, false, 'Engulfing after sweep'],
        [2, true, 'Engulfing after a sweep of highs'],
      ]);
      expect(store.rules()).toHaveLength(3);
      expect(store.rules()[0]).toEqual(v2);
      expect(store.rules({ current: false })).toHaveLength(4);
    });

    it('changes the citation only when the patch does', () => {
      const { store } = setup(kind);
      const [id] = store.saveIngestion(pdfIngestion(), report(PDF_RULES)).ruleIds;
      const citation = { ...PDF_RULES[0]!.citation, page: 2, quote: 'then enter on the retest' };
      const v2 = store.editRule(id!, { citation }, 'feedback');
      expect(v2.rule.citation).toEqual(citation);
      expect(v2.createdBy).toBe('feedback');
      expect(store.search('retest').find((h) => h.kind === 'rule')).toMatchObject({ ruleId: id, page: 2 });
    });

    it('writes nothing for an invalid edit', () => {
      const { db, store } = setup(kind);
      const [id] = store.saveIngestion(pdfIngestion(), report(PDF_RULES)).ruleIds;
      const before = snapshot(db);
      const invalid: [() => unknown, typeof ValidationError | typeof NotFoundError, RegExp][] = [
        [() => store.editRule(id!, { confidence: 2 }, 'user'), ValidationError, /confidence/],
        [() => store.editRule(id!, { name: '' }, 'user'), ValidationError, /name/],
        [() => store.editRule(id!, { bogus: 1 } as Partial<Rule>, 'user'), ValidationError, /bogus/],
        [() => store.editRule(id!, {}, 'user'), ValidationError, /nothing to change/],
        [() => store.editRule(id!, { name: 'x' }, 'robot' as 'user'), ValidationError, /by/],
        [
          () => store.editRule(id!, { citation: { ...PDF_RULES[0]!.citation, sourceId: VIDEO_ID } }, 'user'),
          NotFoundError,
          new RegExp(VIDEO_ID),
        ],
        [() => store.editRule('r-0000000000', { name: 'x' }, 'user'), NotFoundError, /r-0000000000/],
      ];
      for (const [call, type, message] of invalid) {
        expect(call).toThrow(type);
        expect(call).toThrow(message);
      }
      expect(snapshot(db)).toEqual(before);
      expect(store.ruleHistory(id!)).toHaveLength(1);
    });
  });

  describe('switches and tags', () => {
    it('enables, disables and tags rules without new versions, and filters by them', () => {
      const { store } = setup(kind);
      const [a, b, c] = store.saveIngestion(pdfIngestion(), report(PDF_RULES)).ruleIds as [string, string, string];
      store.saveIngestion(videoIngestion(), report([VIDEO_RULE], 'offline'));

      store.setEnabled(b, false);
      store.tag(a, 'breakout');
      store.tag(a, ' breakout ');
      store.tag(a, 'a-plus');
      store.tag(c, 'breakout');

      expect(store.rule(b)).toMatchObject({ version: 1, enabled: false });
      expect(store.rule(a)?.tags).toEqual(['a-plus', 'breakout']);
      expect(store.rules({ enabled: false }).map((r) => r.id)).toEqual([b]);
      expect(store.rules({ enabled: true })).toHaveLength(3);
      expect(store.rules({ tag: 'breakout' }).map((r) => r.id)).toEqual([a, c]);
      expect(store.rules({ kind: 'risk' }).map((r) => r.id)).toEqual([b]);
      expect(store.rules({ sourceId: VIDEO_ID }).map((r) => r.rule.name)).toEqual(['Onion pin bar']);
      expect(store.rules({ sourceId: PDF_ID, kind: 'entry', tag: 'breakout' }).map((r) => r.id)).toEqual([a]);

      expect(store.untag(a, 'breakout')).toBe(true);
      expect(store.untag(a, 'breakout')).toBe(false);
      expect(store.rules({ tag: 'breakout' }).map((r) => r.id)).toEqual([c]);

      // The switch and the tags belong to the rule, not to a version.
      const v2 = store.editRule(b, { confidence: 0.5 }, 'user');
      expect(v2).toMatchObject({ version: 2, enabled: false });
      store.setEnabled(b, true);
      expect(store.ruleHistory(b).map((r) => r.enabled)).toEqual([true, true]);
      expect(store.ruleHistory(a).every((r) => r.tags.includes('a-plus'))).toBe(true);
    });

    it('refuses unknown rules and empty tags', () => {
      const { db, store } = setup(kind);
      store.saveIngestion(pdfIngestion(), report(PDF_RULES));
      const before = snapshot(db);
      expect(() => store.setEnabled('r-0000000000', false)).toThrow(NotFoundError);
      expect(() => store.tag('r-0000000000', 'x')).toThrow(/r-0000000000/);
      expect(() => store.tag(store.rules()[0]!.id, '  ')).toThrow(ValidationError);
      expect(() => store.rules({ kind: 'nope' as 'entry' })).toThrow(ValidationError);
      expect(snapshot(db)).toEqual(before);
    });
  });

  describe('changeConfidence', () => {
    it('records a new version and the change with its reason, evidence and approver', () => {
      const { store, tick } = setup(kind);
      const [id] = store.saveIngestion(pdfIngestion(), report(PDF_RULES)).ruleIds;
      tick(60_000);
      const evidence = { trades: 40, winRate: '0.35', backtest: 'bt-1' };
      const v2 = store.changeConfidence(id!, 0.4, 'lost in backtests', evidence, 'trader');

      expect(v2).toMatchObject({ version: 2, supersedes: 1, createdBy: 'feedback', rule: { confidence: 0.4 } });
      expect(v2.rule).toEqual({ ...PDF_RULES[0], confidence: 0.4 });
      expect(store.rule(id!, 1)?.rule.confidence).toBe(0.9);
      expect(store.confidenceChanges(id!)).toEqual([
        {
          ruleId: id,
          fromVersion: 1,
          toVersion: 2,
          old: 0.9,
          new: 0.4,
          reason: 'lost in backtests',
          evidence,
          approvedBy: 'trader',
          at: NOW + 60_000,
        },
      ]);
    });

    it('writes nothing for an invalid change', () => {
      const { db, store } = setup(kind);
      const [id] = store.saveIngestion(pdfIngestion(), report(PDF_RULES)).ruleIds;
      const before = snapshot(db);
      expect(() => store.changeConfidence(id!, 1.5, 'why', {}, 'trader')).toThrow(/confidence/);
      expect(() => store.changeConfidence(id!, 0.5, ' ', {}, 'trader')).toThrow(/reason/);
      expect(() => store.changeConfidence(id!, 0.5, 'why', {}, '')).toThrow(/approvedBy/);
      expect(() => store.changeConfidence(id!, 0.5, 'why', () => 1, 'trader')).toThrow(/evidence/);
      expect(() => store.changeConfidence(id!, 0.9, 'why', {}, 'trader')).toThrow(/already 0.9/);
      expect(() => store.changeConfidence('r-0000000000', 0.5, 'why', {}, 'trader')).toThrow(NotFoundError);
      expect(snapshot(db)).toEqual(before);
    });
  });

  describe('strategies', () => {
    it('names rules and always shows their current versions', () => {
      const { store } = setup(kind);
      const [a, b, c] = store.saveIngestion(pdfIngestion(), report(PDF_RULES)).ruleIds as [string, string, string];
      const created = store.createStrategy('Sweep reversal', [c, a], 'from the PDF');
      expect(created).toEqual({ name: 'Sweep reversal', note: 'from the PDF', createdAt: NOW, ruleIds: [c, a] });
      store.createStrategy('Risk only', [b]);

      store.editRule(a, { name: 'Engulfing v2' }, 'user');
      const strategy = store.strategy('Sweep reversal');
      expect(strategy?.rules.map((r) => [r.id, r.version, r.rule.name])).toEqual([
        [c, 1, 'Stop beyond the swing'],
        [a, 2, 'Engulfing v2'],
      ]);
      expect(store.listStrategies()).toEqual([
        { name: 'Risk only', note: null, createdAt: NOW, ruleIds: [b] },
        created,
      ]);
      expect(store.strategy('nope')).toBeNull();
    });

    it('refuses a taken name or an unknown rule, naming it, and writes nothing', () => {
      const { db, store } = setup(kind);
      const [a] = store.saveIngestion(pdfIngestion(), report(PDF_RULES)).ruleIds;
      store.createStrategy('S', [a!]);
      const before = snapshot(db);
      expect(() => store.createStrategy('S', [a!])).toThrow(ValidationError);
      expect(() => store.createStrategy('S', [a!])).toThrow(/already exists/);
      expect(() => store.createStrategy('T', [a!, 'r-00000000ff'])).toThrow(NotFoundError);
      expect(() => store.createStrategy('T', [a!, 'r-00000000ff'])).toThrow(/r-00000000ff/);
      expect(() => store.createStrategy('T', [a!, a!])).toThrow(ValidationError);
      expect(() => store.createStrategy('', [a!])).toThrow(ValidationError);
      expect(snapshot(db)).toEqual(before);
    });
  });

  describe('deleteSource', () => {
    it('removes the source and everything that came from it, and nothing else', () => {
      const { db, store } = setup(kind);
      const pdf = store.saveIngestion(pdfIngestion(), report(PDF_RULES));
      store.saveIngestion(pdfIngestion(), report([PDF_RULES[1]!], 'offline'));
      const video = store.saveIngestion(videoIngestion(), report([VIDEO_RULE], 'offline'));
      const [a, b] = pdf.ruleIds as [string, string];
      const v = video.ruleIds[0]!;
      store.editRule(a, { name: 'Edited' }, 'user');
      store.changeConfidence(b, 0.2, 'weak', [], 'trader');
      store.tag(a, 'x');
      store.tag(v, 'x');
      store.createStrategy('Mixed', [a, v]);

      expect(store.deleteSource(PDF_ID)).toBe(true);

      expect(store.getSource(PDF_ID)).toBeNull();
      expect(store.chunks(PDF_ID)).toEqual([]);
      expect(store.extractions(PDF_ID)).toEqual([]);
      expect(store.findExtraction(PDF_HASH, 'claude')).toBeNull();
      expect(store.ruleHistory(a)).toEqual([]);
      expect(store.confidenceChanges(b)).toEqual([]);
      expect(store.rules({ current: false }).map((r) => r.id)).toEqual([v]);
      expect(store.rules({ tag: 'x' }).map((r) => r.id)).toEqual([v]);
      expect(store.strategy('Mixed')?.rules.map((r) => r.id)).toEqual([v]);
      expect(store.search('engulfing')).toEqual([]);
      expect(store.search('onion').length).toBeGreaterThan(0);
      expect(counts(db)).toEqual({
        ...EMPTY,
        sources: 1,
        chunks: 1,
        chunks_fts: 1,
        keyframes: 2,
        extractions: 1,
        rules: 1,
        rules_fts: 1,
        tags: 1,
        strategies: 1,
        strategy_rules: 1,
      });
      expectIndexesIntact(db);

      expect(store.deleteSource(PDF_ID)).toBe(false);
      expect(store.deleteSource(VIDEO_ID)).toBe(true);
      expect(counts(db)).toEqual({ ...EMPTY, strategies: 1 });
    });

    it('lets the same file be imported again afterwards', () => {
      const { store } = setup(kind);
      const first = store.saveIngestion(pdfIngestion(), report(PDF_RULES));
      store.deleteSource(PDF_ID);
      const second = store.saveIngestion(pdfIngestion(), report(PDF_RULES));
      expect(second.reused).toBe(false);
      expect(second.ruleIds).toHaveLength(3);
      expect(second.ruleIds).not.toEqual(first.ruleIds);
    });
  });
});

describe('knowledge store on migrated files', () => {
  it.each([0, ...MIGRATIONS.slice(0, -1).map((m) => m.version)])(
    'works on a store brought forward from version %i',
    (version) => {
      const tmp = tempDir();
      cleanups.push(tmp.remove);
      const file = join(tmp.dir, 'store.db');
      const old = new BetterSqlite3(file);
      migrate(old, MIGRATIONS, version);
      old.close();

      const db = openDatabase(file);
      cleanups.push(() => db.close());
      expect(db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION);
      const store = new KnowledgeStore(db, { now: () => NOW });
      const saved = store.saveIngestion(pdfIngestion(), report(PDF_RULES));
      expect(store.rules().map((r) => r.id)).toEqual(saved.ruleIds);
      expect(store.search('engulfing').length).toBe(2);
      expectIndexesIntact(db);
    },
  );

  it('keeps the knowledge base across closing and reopening the file', () => {
    const tmp = tempDir();
    cleanups.push(tmp.remove);
    const file = join(tmp.dir, 'store.db');
    const first = openDatabase(file);
    const saved = new KnowledgeStore(first, { now: () => NOW }).saveIngestion(pdfIngestion(), report(PDF_RULES));
    first.close();

    const db = openDatabase(file);
    cleanups.push(() => db.close());
    const store = new KnowledgeStore(db);
    expect(store.findExtraction(PDF_HASH, 'claude')?.ruleIds).toEqual(saved.ruleIds);
    expect(store.search('swing').length).toBeGreaterThan(0);
  });
});

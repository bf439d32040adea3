import type { Database } from 'better-sqlite3';
import { migrateRowsToBlocks } from './migrations/v3-candle-blocks.ts';

/**
 * One forward-only schema step: SQL, or a function for steps SQL cannot express. Never edit
 * a released migration: add a new one.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql?: string;
  readonly up?: (db: Database) => void;
}

/**
 * The schema history, in order. `version` must be 1, 2, 3... with no holes; the migrator
 * checks it. Each runs in its own transaction together with the version bump.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'candle series',
    sql: `
      CREATE TABLE series (
        series_id  TEXT    PRIMARY KEY,
        coin       TEXT    NOT NULL,
        interval   TEXT    NOT NULL,
        label      TEXT    NOT NULL,
        synthetic  INTEGER NOT NULL CHECK (synthetic IN (0, 1)),
        bar_count  INTEGER NOT NULL CHECK (bar_count >= 0),
        first_time INTEGER,
        last_time  INTEGER,
        updated_at INTEGER NOT NULL
      );
      CREATE TABLE candles (
        series_id TEXT    NOT NULL REFERENCES series (series_id) ON DELETE CASCADE,
        open_time INTEGER NOT NULL,
        open      REAL    NOT NULL,
        high      REAL    NOT NULL,
        low       REAL    NOT NULL,
        close     REAL    NOT NULL,
        volume    REAL    NOT NULL,
        PRIMARY KEY (series_id, open_time)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 2,
    name: 'event journal',
    // Append-only record of engine events in paper and live modes: start-up rebuilds state
    // from it before reconciling with the venue.
    sql: `
      CREATE TABLE journal (
        seq     INTEGER PRIMARY KEY AUTOINCREMENT,
        run_id  TEXT    NOT NULL,
        at      INTEGER NOT NULL,
        event   TEXT    NOT NULL,
        payload TEXT    NOT NULL CHECK (json_valid(payload))
      );
      CREATE INDEX journal_by_run ON journal (run_id, seq);
    `,
  },
  {
    version: 3,
    name: 'candle cache in blocks, keyed by source, coin and interval',
    up: migrateRowsToBlocks,
  },
  {
    version: 4,
    name: 'knowledge base: sources, chunks, extractions, versioned rules, strategies',
    // Full-text search uses external-content FTS5 tables kept in step by triggers: the text is
    // stored once (in chunks and rules) and snippet() can still read it, which a contentless
    // table could not. Their content_rowid is an INTEGER PRIMARY KEY because VACUUM may
    // renumber implicit rowids, which would silently point the index at the wrong rows; so
    // rules get `seq`, and (id, version), their logical key, is enforced UNIQUE. Every rule
    // version is indexed and searches keep the current ones, so each index mirrors its whole
    // content table and FTS5's 'rebuild' and 'integrity-check' stay valid.
    //
    // A rule id is shared by all its versions and no single row owns it, so tags, strategy
    // links and confidence changes cannot have a foreign key to it: the store removes them
    // itself, in the same transaction as the rule.
    sql: `
      CREATE TABLE sources (
        id           TEXT    PRIMARY KEY CHECK (length(id) = 16 AND id NOT GLOB '*[^0-9a-f]*'),
        kind         TEXT    NOT NULL CHECK (kind IN ('pdf', 'video', 'subtitles')),
        name         TEXT    NOT NULL,
        bytes        INTEGER NOT NULL CHECK (bytes >= 0),
        content_hash TEXT    NOT NULL UNIQUE CHECK (length(content_hash) = 64),
        pages        INTEGER CHECK (pages IS NULL OR pages >= 0),
        duration_sec REAL    CHECK (duration_sec IS NULL OR duration_sec >= 0),
        added_at     INTEGER NOT NULL,
        notices      TEXT    NOT NULL CHECK (json_valid(notices))
      );

      CREATE TABLE chunks (
        id        INTEGER PRIMARY KEY,
        source_id TEXT    NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
        idx       INTEGER NOT NULL CHECK (idx >= 0),
        heading   TEXT,
        text      TEXT    NOT NULL,
        page_from INTEGER,
        page_to   INTEGER CHECK (page_to >= page_from),
        sec_from  REAL,
        sec_to    REAL    CHECK (sec_to >= sec_from),
        CHECK ((page_from IS NULL) = (page_to IS NULL) AND (sec_from IS NULL) = (sec_to IS NULL)),
        UNIQUE (source_id, idx)
      );
      CREATE VIRTUAL TABLE chunks_fts USING fts5(
        heading, text, content = 'chunks', content_rowid = 'id',
        tokenize = 'porter unicode61 remove_diacritics 2'
      );
      CREATE TRIGGER chunks_fts_insert AFTER INSERT ON chunks BEGIN
        INSERT INTO chunks_fts (rowid, heading, text) VALUES (new.id, new.heading, new.text);
      END;
      CREATE TRIGGER chunks_fts_delete AFTER DELETE ON chunks BEGIN
        INSERT INTO chunks_fts (chunks_fts, rowid, heading, text) VALUES ('delete', old.id, old.heading, old.text);
      END;
      CREATE TRIGGER chunks_fts_update AFTER UPDATE OF heading, text ON chunks BEGIN
        INSERT INTO chunks_fts (chunks_fts, rowid, heading, text) VALUES ('delete', old.id, old.heading, old.text);
        INSERT INTO chunks_fts (rowid, heading, text) VALUES (new.id, new.heading, new.text);
      END;

      CREATE TABLE keyframes (
        id        INTEGER PRIMARY KEY,
        source_id TEXT    NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
        timestamp REAL    NOT NULL CHECK (timestamp >= 0),
        path      TEXT    NOT NULL,
        hash      TEXT    NOT NULL CHECK (length(hash) = 16)
      );
      CREATE INDEX keyframes_by_source ON keyframes (source_id, timestamp);

      -- One extraction per source and method: the cache that spares a second LLM run.
      CREATE TABLE extractions (
        id         TEXT    PRIMARY KEY,
        source_id  TEXT    NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
        method     TEXT    NOT NULL CHECK (method IN ('claude', 'offline')),
        model      TEXT    NOT NULL,
        created_at INTEGER NOT NULL,
        calls      INTEGER NOT NULL CHECK (calls >= 0),
        usage      TEXT    NOT NULL CHECK (json_valid(usage)),
        failures   TEXT    NOT NULL CHECK (json_valid(failures)),
        UNIQUE (source_id, method)
      );

      CREATE TABLE rules (
        seq           INTEGER PRIMARY KEY,
        id            TEXT    NOT NULL CHECK (length(id) = 12 AND id GLOB 'r-[0-9a-f]*' AND substr(id, 3) NOT GLOB '*[^0-9a-f]*'),
        version       INTEGER NOT NULL CHECK (version >= 1),
        current       INTEGER NOT NULL CHECK (current IN (0, 1)),
        body          TEXT    NOT NULL CHECK (json_valid(body)),
        name          TEXT    NOT NULL,
        kind          TEXT    NOT NULL,
        source_id     TEXT    NOT NULL REFERENCES sources (id),
        extraction_id TEXT    REFERENCES extractions (id),
        page          INTEGER,
        timestamp     REAL,
        quote         TEXT    NOT NULL,
        confidence    REAL    NOT NULL CHECK (confidence >= 0 AND confidence <= 1),
        enabled       INTEGER NOT NULL CHECK (enabled IN (0, 1)),
        created_at    INTEGER NOT NULL,
        created_by    TEXT    NOT NULL CHECK (created_by IN ('extractor:claude', 'extractor:offline', 'user', 'feedback')),
        supersedes    INTEGER CHECK (supersedes < version),
        UNIQUE (id, version)
      );
      CREATE UNIQUE INDEX rules_one_current ON rules (id) WHERE current = 1;
      CREATE INDEX rules_by_source ON rules (source_id);
      CREATE INDEX rules_by_extraction ON rules (extraction_id);
      CREATE VIRTUAL TABLE rules_fts USING fts5(
        name, quote, content = 'rules', content_rowid = 'seq',
        tokenize = 'porter unicode61 remove_diacritics 2'
      );
      CREATE TRIGGER rules_fts_insert AFTER INSERT ON rules BEGIN
        INSERT INTO rules_fts (rowid, name, quote) VALUES (new.seq, new.name, new.quote);
      END;
      CREATE TRIGGER rules_fts_delete AFTER DELETE ON rules BEGIN
        INSERT INTO rules_fts (rules_fts, rowid, name, quote) VALUES ('delete', old.seq, old.name, old.quote);
      END;
      CREATE TRIGGER rules_fts_update AFTER UPDATE OF name, quote ON rules BEGIN
        INSERT INTO rules_fts (rules_fts, rowid, name, quote) VALUES ('delete', old.seq, old.name, old.quote);
        INSERT INTO rules_fts (rowid, name, quote) VALUES (new.seq, new.name, new.quote);
      END;

      CREATE TABLE tags (
        rule_id TEXT NOT NULL,
        tag     TEXT NOT NULL,
        PRIMARY KEY (rule_id, tag)
      ) WITHOUT ROWID;
      CREATE INDEX tags_by_tag ON tags (tag, rule_id);

      CREATE TABLE strategies (
        name       TEXT    PRIMARY KEY,
        created_at INTEGER NOT NULL,
        note       TEXT
      );
      CREATE TABLE strategy_rules (
        strategy TEXT    NOT NULL REFERENCES strategies (name) ON DELETE CASCADE,
        rule_id  TEXT    NOT NULL,
        position INTEGER NOT NULL,
        PRIMARY KEY (strategy, rule_id)
      ) WITHOUT ROWID;
      CREATE INDEX strategy_rules_by_rule ON strategy_rules (rule_id);

      CREATE TABLE confidence_changes (
        id           INTEGER PRIMARY KEY,
        rule_id      TEXT    NOT NULL,
        from_version INTEGER NOT NULL,
        to_version   INTEGER NOT NULL CHECK (to_version > from_version),
        old          REAL    NOT NULL,
        new          REAL    NOT NULL CHECK (new >= 0 AND new <= 1),
        reason       TEXT    NOT NULL,
        evidence     TEXT    NOT NULL CHECK (json_valid(evidence)),
        approved_by  TEXT    NOT NULL,
        at           INTEGER NOT NULL
      );
      CREATE INDEX confidence_changes_by_rule ON confidence_changes (rule_id, id);
    `,
  },
  {
    version: 5,
    name: 'settings',
    // One row per setting, its value as JSON, validated by the contract's schema when read and
    // written. Keys (the signing key, the API key) never come here: they live in the secret
    // store. A setting without a row has its default.
    sql: `
      CREATE TABLE settings (
        key        TEXT    PRIMARY KEY CHECK (length(key) BETWEEN 1 AND 64),
        value      TEXT    NOT NULL CHECK (json_valid(value)),
        updated_at INTEGER NOT NULL
      ) WITHOUT ROWID;
    `,
  },
];

/** Highest schema version this build knows. */
export const LATEST_SCHEMA_VERSION = MIGRATIONS.length;

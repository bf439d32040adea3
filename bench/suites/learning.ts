/**
 * Learning targets: text extraction from a 300-page PDF (< 10 s), against scanning the same
 * file's bytes for text-showing operators (the least any extraction must do); and the whole
 * ingestion (read, hash, chunk) against the read alone. The PDF is written at run time by the
 * project's PDF writer, from the test guide's text repeated.
 */
import { readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ingestPdf } from '../../src/adapters/learning/pdf/pdf-ingest.ts';
import { layoutDocument, type PdfBlock } from '../../src/adapters/learning/pdf/pdf-layout.ts';
import { readPdf } from '../../src/adapters/learning/pdf/pdf-reader.ts';
import { writePdf } from '../../src/adapters/learning/pdf/pdf-writer.ts';
import { strategyGuideBlocks } from '../../scripts/make-test-pdfs.ts';
import { openDatabase } from '../../src/adapters/sqlite/open-database.ts';
import { KnowledgeStore } from '../../src/adapters/sqlite/knowledge/knowledge-store.ts';
import type { RuleExtractor } from '../../src/engine/learning/learning-ports.ts';
import { OfflineExtractor } from '../../src/engine/learning/offline-extractor.ts';
import { learnFile } from '../../src/host/learning/learn-service.ts';
import { measure, type BenchRow } from '../stats.ts';

const PAGES = 300;

/** A 300-page document: the guide again and again, uncompressed so its text is in the bytes. */
function bookPdf(): Uint8Array {
  const blocks: PdfBlock[] = [];
  for (let part = 1; blocks.length === 0 || layoutDocument(blocks).length < PAGES; part++) {
    blocks.push({ kind: 'title', text: `Part ${part}` }, ...strategyGuideBlocks());
  }
  return writePdf(layoutDocument(blocks).slice(0, PAGES));
}

/** The naive extraction: every "(...) Tj" string in the file, unescaped. */
function scanTextOperators(path: string): number {
  const text = readFileSync(path).toString('latin1');
  let chars = 0;
  for (const match of text.matchAll(/\(((?:[^\\()]|\\.)*)\)\s*Tj/g)) {
    chars += (match[1] ?? '').replace(/\\(.)/g, '$1').length;
  }
  return chars;
}

/** A 300-page PDF read by pdf.js in its worker, and ingested, each against a simpler baseline. */
export async function learningSuite(): Promise<BenchRow[]> {
  const suite = 'learning';
  const dir = mkdtempSync(join(tmpdir(), 'hyperdesk-bench-'));
  try {
    const path = join(dir, 'book.pdf');
    const bytes = bookPdf();
    writeFileSync(path, bytes);

    const content = await readPdf(path);
    if (content.pages.length !== PAGES) throw new Error(`bench book has ${content.pages.length} pages, not ${PAGES}`);
    const extracted = content.pages.reduce((sum, p) => sum + p.text.length, 0);
    const scanned = scanTextOperators(path);

    const read = await measure(() => readPdf(path), 5, 1);
    const scan = await measure(() => scanTextOperators(path), 20, 2);
    const ingest = await measure(() => ingestPdf(path), 5, 1);
    const chunks = (await ingestPdf(path)).chunks.length;
    const mb = (bytes.length / 1048576).toFixed(1);

    // Learning the same book again: served from the knowledge base by content hash.
    const db = openDatabase(':memory:');
    const store = new KnowledgeStore(db);
    let calls = 0;
    const offline = new OfflineExtractor();
    const counting: RuleExtractor = {
      method: 'offline',
      extract: (c, o) => {
        calls++;
        return offline.extract(c, o);
      },
    };
    const options = { store, extractor: counting, keyframeRoot: join(dir, 'keyframes') };
    const first = await measure(() => learnFile(path, options), 1, 0);
    const callsFirst = calls;
    const again = await measure(() => learnFile(path, options), 5, 1);
    db.close();
    return [
      {
        suite,
        name: `readPdf: text of a ${PAGES}-page PDF (${mb} MB) in reading order, with headings and page numbers`,
        subject: read,
        referenceName: 'a regex over the bytes for "(...) Tj" strings',
        reference: scan,
        targetMs: 10_000,
        notes: `${Math.round(PAGES / (read.median / 1000))} pages/s; ${extracted} characters of text (the scan finds ${scanned}, without order or layout)`,
      },
      {
        suite,
        name: `ingestPdf: read, SHA-256 and chunk the ${PAGES}-page PDF`,
        subject: ingest,
        referenceName: 'readPdf alone',
        reference: read,
        notes: `${chunks} chunks`,
      },
      {
        suite,
        name: `learn the ${PAGES}-page PDF again (same content): from the knowledge base`,
        subject: again,
        referenceName: 'learning it the first time (read, extract, store)',
        reference: first,
        notes: `extractor runs: ${callsFirst} the first time, ${calls - callsFirst} for 6 more learns (target: 0 model calls)`,
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

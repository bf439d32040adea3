import { open, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { Worker } from 'node:worker_threads';
import { z } from 'zod';
import {
  fromWireError,
  HyperdeskError,
  NotFoundError,
  ValidationError,
  WireErrorSchema,
} from '../../../shared/contract/errors.ts';
import type { PdfContent, PdfInfo, PdfPage } from './pdf-extract.ts';

export type { PdfContent, PdfInfo, PdfPage };

/** Largest PDF read by default: 200 MB. */
export const DEFAULT_MAX_PDF_BYTES = 200 * 1024 * 1024;

/** Options of {@link readPdf}. */
export interface ReadPdfOptions {
  /** Larger files are refused before they are read; {@link DEFAULT_MAX_PDF_BYTES} by default. */
  readonly maxBytes?: number;
  /** Told after each page: pages read, of how many. */
  readonly onProgress?: (done: number, total: number) => void;
  /** Stops the read; the promise rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /** The worker entry (pdf-read-worker.ts beside this file by default; a bundle may move it). */
  readonly workerUrl?: URL;
}

/** Where "%PDF-" may start: the first 1024 bytes, as readers have long allowed. */
const HEADER_WINDOW = 1024;
const PDF_MAGIC = '%PDF-';

const PageSchema = z.object({
  number: z.number().int().min(1),
  text: z.string(),
  headings: z.array(z.string()),
  hasTextLayer: z.boolean(),
  hasImages: z.boolean(),
  scanned: z.boolean(),
  printedNumber: z.string().nullable(),
  damaged: z.string().nullable(),
});
const ContentSchema = z.object({
  pages: z.array(PageSchema),
  info: z.object({
    pageCount: z.number().int().min(0),
    bytes: z.number().int().min(0),
    title: z.string().nullable(),
    author: z.string().nullable(),
    pdfVersion: z.string().nullable(),
  }),
});
const MessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('progress'), done: z.number().int(), total: z.number().int() }),
  z.object({ type: z.literal('done'), content: ContentSchema }),
  z.object({ type: z.literal('error'), error: WireErrorSchema }),
]);

/** "812 bytes", "12.4 KB", "250 MB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  const [value, unit] = bytes < 1024 * 1024 ? [bytes / 1024, 'KB'] : [bytes / (1024 * 1024), 'MB'];
  return `${Number(value.toFixed(1))} ${unit}`;
}

/** The start of a file's first line as a person can read it in an error: printable ASCII, else \xNN. */
function describeStart(head: Uint8Array): string {
  const limit = Math.min(head.length, 24);
  let out = '';
  let i = 0;
  for (; i < limit && head[i] !== 0x0a && head[i] !== 0x0d; i++) {
    const byte = head[i]!;
    out += byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : `\\x${byte.toString(16).padStart(2, '0')}`;
  }
  const more = i === limit && i < head.length && head[i] !== 0x0a && head[i] !== 0x0d;
  return `"${out}${more ? '…' : ''}"`;
}

/** Checks size and header before any parsing; returns the size. */
async function checkFile(path: string, name: string, maxBytes: number): Promise<number> {
  const info = await stat(path).catch((error: unknown) => {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new NotFoundError(`${name} does not exist`);
    throw new ValidationError(`${name} cannot be read (${code ?? 'error'})`);
  });
  if (!info.isFile()) throw new ValidationError(`${name} is not a file`);
  if (info.size === 0) throw new ValidationError(`${name} is empty (0 bytes)`);
  if (info.size > maxBytes) {
    throw new ValidationError(
      `${name} is ${formatBytes(info.size)}, more than the ${formatBytes(maxBytes)} a PDF may be; split it or raise the limit`,
    );
  }
  const handle = await open(path, 'r');
  try {
    const head = new Uint8Array(Math.min(HEADER_WINDOW, info.size));
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    const start = head.subarray(0, bytesRead);
    if (!new TextDecoder('latin1').decode(start).includes(PDF_MAGIC)) {
      throw new ValidationError(`${name} is not a PDF (it starts with ${describeStart(start)})`);
    }
  } finally {
    await handle.close();
  }
  return info.size;
}

/** How long a finished reader may take to end by itself before it is stopped. */
const WORKER_GRACE_MS = 5_000;

/**
 * Reads a PDF's pages: text in reading order, headings, printed page numbers, and which pages
 * are scans without text. Size, emptiness and the "%PDF-" header are checked first; pdf.js
 * then reads the file in a worker thread (see pdf-read-worker.ts) whose console is discarded.
 * Errors are {@link ValidationError}s (or {@link NotFoundError}) naming the file by its base
 * name: not a PDF, password-protected, damaged, empty, too large.
 */
export async function readPdf(path: string, options: ReadPdfOptions = {}): Promise<PdfContent> {
  const name = basename(path);
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_PDF_BYTES;
  options.signal?.throwIfAborted();
  await checkFile(path, name, maxBytes);
  options.signal?.throwIfAborted();

  const worker = new Worker(options.workerUrl ?? new URL('./pdf-read-worker.ts', import.meta.url), {
    workerData: { path, name },
    // pdf.js writes warnings with console; piped and never read out, nothing reaches the terminal.
    stdout: true,
    stderr: true,
  });
  worker.stdout.resume();
  worker.stderr.resume();
  let onAbort: (() => void) | null = null;
  try {
    return await new Promise<PdfContent>((resolve, reject) => {
      const stopped = (reason: string, cause?: unknown) =>
        reject(new HyperdeskError('InternalError', 'INTERNAL', `${name} could not be read: ${reason}`, { cause }));
      worker.on('message', (raw: unknown) => {
        const parsed = MessageSchema.safeParse(raw);
        if (!parsed.success) return stopped('the PDF reader sent an unexpected message');
        const message = parsed.data;
        if (message.type === 'done') resolve(message.content);
        else if (message.type === 'error') reject(fromError(message.error));
        else {
          // A listener that throws fails this read, not the process (it runs in an event handler).
          try {
            options.onProgress?.(message.done, message.total);
          } catch (error) {
            reject(error);
          }
        }
      });
      // The worker's own message may name files by their full path; it is kept as the cause.
      worker.on('error', (error) => stopped(`the PDF reader failed (${error.name})`, error));
      worker.on('exit', (code) => stopped(`the PDF reader stopped (exit code ${code})`));
      onAbort = () => reject(options.signal?.reason);
      options.signal?.addEventListener('abort', onAbort, { once: true });
    });
  } finally {
    if (onAbort) options.signal?.removeEventListener('abort', onAbort);
    await stopWorker(worker, options.signal?.aborted === true);
  }
}

/**
 * Lets the worker end by itself (it closes its port when done); only a canceled read, or a
 * worker still running after a grace period, is stopped from outside.
 */
async function stopWorker(worker: Worker, now: boolean): Promise<void> {
  if (now) {
    await worker.terminate();
    return;
  }
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), WORKER_GRACE_MS);
  });
  const outcome = await Promise.race([exited, late]);
  clearTimeout(timer);
  if (outcome === 'late') await worker.terminate();
}

/** Rebuilds the worker's error as the class the caller can branch on. */
function fromError(wire: z.infer<typeof WireErrorSchema>): HyperdeskError {
  if (wire.code === 'VALIDATION') return new ValidationError(wire.message);
  if (wire.code === 'NOT_FOUND') return new NotFoundError(wire.message);
  return fromWireError(wire);
}

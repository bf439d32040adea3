import { readFile } from 'node:fs/promises';
import { parentPort, workerData } from 'node:worker_threads';
import { z } from 'zod';
import { toWireError, ValidationError } from '../../../shared/contract/errors.ts';
import { extractPdf } from './pdf-extract.ts';

/**
 * Worker thread that reads one PDF with pdf.js and posts progress, then the pages or an
 * error, to pdf-reader.ts. pdf.js runs here rather than in the caller's thread because on a
 * damaged file it starts reads of objects it may never use and leaves their failures
 * unhandled (mozilla/pdf.js#8608, #12214): in the caller's thread that ends the process.
 */

const port = parentPort;
if (!port) throw new Error('pdf-read-worker must run in a worker thread');

// The read that needs a broken object fails on its own and is reported; a failure nobody
// waits for has nothing to report.
process.on('unhandledRejection', () => undefined);

const job = z.object({ path: z.string().min(1), name: z.string().min(1) }).parse(workerData);

try {
  const file = await readFile(job.path).catch((error: unknown) => {
    throw new ValidationError(`${job.name} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  });
  const data = new Uint8Array(file.buffer, file.byteOffset, file.byteLength);
  const content = await extractPdf(data, job.name, (done, total) =>
    port.postMessage({ type: 'progress', done, total }),
  );
  port.postMessage({ type: 'done', content });
} catch (error) {
  port.postMessage({ type: 'error', error: toWireError(error) });
} finally {
  // Closing the port lets the thread end by itself once pdf.js is idle: stopping a thread
  // from outside while its code is still being compiled can abort the whole process
  // (a V8 code-space check, seen under load), so the reader only does that as a fallback.
  port.close();
}

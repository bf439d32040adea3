import type * as PdfJsModule from 'pdfjs-dist';
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url';

/*
 * Renders one page of a PDF into a canvas with pdf.js, inside the app's Content-Security-
 * Policy: pdf.js is loaded only when a page is first shown (its own chunk, from the app's
 * origin), its worker is a file of the app (a Vite asset), pdf.js v6 evaluates no code, and no
 * font or WASM files are fetched (system fonts stand in for the standard 14).
 */

type PdfJs = typeof PdfJsModule;

let loading: Promise<PdfJs> | null = null;

function loadPdfJs(): Promise<PdfJs> {
  loading ??= import('pdfjs-dist').then((pdfjs) => {
    pdfjs.GlobalWorkerOptions.workerSrc = workerUrl;
    return pdfjs;
  });
  return loading;
}

/** Decodes base64 (as `GetSourcePage` sends the PDF) into bytes. */
export function base64Bytes(base64: string): Uint8Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * Draws page `pageNumber` (1-based) of the PDF in `data` into `canvas`, `cssWidth` CSS pixels
 * wide (sharp on high-density screens). Rejects when pdf.js cannot read or draw it.
 */
export async function renderPdfPage(
  data: Uint8Array,
  pageNumber: number,
  canvas: HTMLCanvasElement,
  cssWidth: number,
  signal?: AbortSignal,
): Promise<void> {
  const pdfjs = await loadPdfJs();
  const task = pdfjs.getDocument({ data, useSystemFonts: true, useWasm: false, enableXfa: false, verbosity: 0 });
  const abort = () => void task.destroy();
  signal?.addEventListener('abort', abort, { once: true });
  try {
    const doc = await task.promise;
    const page = await doc.getPage(pageNumber);
    const base = page.getViewport({ scale: 1 });
    const scale = (cssWidth / base.width) * Math.min(3, Math.max(1, window.devicePixelRatio || 1));
    const viewport = page.getViewport({ scale });
    canvas.width = Math.floor(viewport.width);
    canvas.height = Math.floor(viewport.height);
    await page.render({ canvas, viewport }).promise;
  } finally {
    signal?.removeEventListener('abort', abort);
    await task.destroy();
  }
}

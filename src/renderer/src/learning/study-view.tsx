import { useEffect, useRef, useState } from 'react';
import type { CommandResponse } from '../../../shared/contract/commands.ts';
import type { RuleSummary } from '../../../shared/contract/knowledge-commands.ts';
import { useEngineClient } from '../client/engine-context.ts';
import { formatCitation, highlightQuote } from './citation.ts';
import { base64Bytes, renderPdfPage } from './pdf-page.ts';
import { StudyDialog } from './study-dialog.tsx';

type Page = CommandResponse<'GetSourcePage'>;

type Render =
  | { readonly kind: 'loading' }
  | { readonly kind: 'canvas' }
  | { readonly kind: 'text'; readonly reason: string }
  | { readonly kind: 'error'; readonly message: string };

/** Width of the rendered page, CSS pixels. */
const PAGE_WIDTH = 560;

/**
 * The study view of a rule: the page its citation points to, drawn by pdf.js when the engine
 * sends the PDF (and pdf.js can run), beside the page's text with the rule's quote
 * highlighted. A video's rule shows its moment and quote. Escape or Close returns.
 */
export function StudyView({ rule, onClose }: { readonly rule: RuleSummary; readonly onClose: () => void }) {
  const client = useEngineClient();
  const { citation } = rule;
  const [page, setPage] = useState<Page | null>(null);
  // Its state is the rule's: the parents key it by rule, so another rule gets a fresh view.
  const [render, setRender] = useState<Render>(() =>
    citation.page === null
      ? { kind: 'text', reason: 'This rule was read in a video: its moment and words are shown.' }
      : { kind: 'loading' },
  );
  const canvasRef = useRef<HTMLCanvasElement | null>(null);

  useEffect(() => {
    if (citation.page === null) return;
    let live = true;
    const controller = new AbortController();
    client
      .request('GetSourcePage', { sourceId: citation.sourceId, page: citation.page })
      .then(async (answer) => {
        if (!live) return;
        setPage(answer);
        if (answer.pdf === null) {
          setRender({
            kind: 'text',
            reason: 'The PDF is not in the data folder any more (or is over 20 MB): its text is shown.',
          });
          return;
        }
        const canvas = canvasRef.current;
        if (!canvas) return;
        try {
          await renderPdfPage(base64Bytes(answer.pdf), answer.page, canvas, PAGE_WIDTH, controller.signal);
          if (live) setRender({ kind: 'canvas' });
        } catch (error) {
          if (live) setRender({ kind: 'text', reason: `The page could not be drawn (${(error as Error).message}).` });
        }
      })
      .catch((error: unknown) => {
        if (live) setRender({ kind: 'error', message: (error as Error).message });
      });
    return () => {
      live = false;
      controller.abort();
    };
  }, [client, citation.sourceId, citation.page]);

  const where = formatCitation(citation);
  const text = page?.text ?? '';
  const parts = text === '' ? [] : highlightQuote(text, citation.quote);
  const found = parts.some((p) => p.mark);

  return (
    <StudyDialog
      attributes={{ 'data-testid': 'study-view', 'data-render': render.kind, 'data-page': citation.page ?? '' }}
      title={rule.name}
      where={`${page?.name ?? 'source'}, ${where}`}
      quote={citation.quote}
      onClose={onClose}
    >
      {render.kind === 'error' && (
        <p className="field-error" role="alert">
          {render.message}
        </p>
      )}
      {render.kind === 'text' && <p className="note">{render.reason}</p>}
      <div className="study-body">
        {citation.page !== null && (
          <div className="study-page" hidden={render.kind === 'text' || render.kind === 'error'}>
            <canvas
              ref={canvasRef}
              className="study-canvas"
              data-testid="study-canvas"
              aria-label={`Page ${citation.page} of ${page?.name ?? 'the source'}`}
            />
            {render.kind === 'loading' && <p className="note">Loading page {citation.page}…</p>}
          </div>
        )}
        {page && (
          <div className="study-text" data-testid="study-text" tabIndex={0} aria-label={`Text of page ${page.page}`}>
            {parts.map((part, i) =>
              part.mark ? (
                <mark key={i} data-testid="study-quote">
                  {part.text}
                </mark>
              ) : (
                <span key={i}>{part.text}</span>
              ),
            )}
            {!found && <p className="note">The quote was not found in this page’s text.</p>}
          </div>
        )}
      </div>
    </StudyDialog>
  );
}

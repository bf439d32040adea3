import { useCallback, useEffect, useRef, useState, type DragEvent } from 'react';
import type { EventPayload } from '../../../shared/contract/events.ts';
import type { LearnableFile, RuleSummary } from '../../../shared/contract/knowledge-commands.ts';
import { useEngineClient } from '../client/engine-context.ts';
import { useToast } from '../panels/toast.tsx';
import { formatBytes } from './citation.ts';
import { RuleTable } from './rule-table.tsx';
import { RuleStudy } from './rule-study.tsx';

type Job =
  | { readonly phase: 'idle' }
  | { readonly phase: 'starting'; readonly name: string }
  | {
      readonly phase: 'running';
      readonly jobId: string;
      readonly name: string;
      readonly stage: string;
      readonly done: number;
      readonly total: number;
    }
  | { readonly phase: 'finished'; readonly result: EventPayload<'LearnFinished'> }
  | { readonly phase: 'failed'; readonly error: string }
  | { readonly phase: 'canceled' };

/**
 * The path of a dropped file where the host can tell it (Electron: a bridge's `pathForFile`,
 * or the `path` older Electron versions put on files); null in a browser, which never reveals
 * where a file is.
 */
export function droppedFilePath(file: File): string | null {
  const bridge = (window as { hyperdesk?: { pathForFile?: unknown } }).hyperdesk;
  if (bridge && typeof bridge.pathForFile === 'function') {
    const path = (bridge.pathForFile as (f: File) => unknown)(file);
    if (typeof path === 'string' && path !== '') return path;
  }
  const legacy = (file as File & { path?: unknown }).path;
  return typeof legacy === 'string' && legacy !== '' ? legacy : null;
}

function ProgressBar({
  stage,
  done,
  total,
}: {
  readonly stage: string;
  readonly done: number;
  readonly total: number;
}) {
  const pct = total > 0 ? Math.min(100, Math.max(0, Math.round((done / total) * 100))) : 0;
  return (
    <div
      className="progress"
      role="progressbar"
      aria-label="Learning progress"
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={pct}
      aria-valuetext={`${stage}: ${done} of ${total}`}
      data-testid="learn-progress"
    >
      <svg className="progress-track" viewBox="0 0 100 6" preserveAspectRatio="none" aria-hidden="true">
        <rect className="progress-fill" x="0" y="0" height="6" width={pct} />
      </svg>
      <span className="progress-text">
        {stage} {pct} %
      </span>
    </div>
  );
}

/**
 * The Learn tab: the PDFs, videos and subtitle files in the engine's data folders, each with
 * a Learn button (progress while it runs), a drop zone (Electron uses a dropped file's path; a
 * browser cannot, so it explains where files go), then the rules learned with their citations.
 */
export function LearnPanel() {
  const client = useEngineClient();
  const toast = useToast();
  const [files, setFiles] = useState<readonly LearnableFile[] | null>(null);
  const [truncated, setTruncated] = useState(false);
  const [offline, setOffline] = useState(false);
  const [job, setJob] = useState<Job>({ phase: 'idle' });
  const [dropNote, setDropNote] = useState<string | null>(null);
  const [study, setStudy] = useState<RuleSummary | null>(null);
  const [dragging, setDragging] = useState(false);
  const currentJob = useRef<string | null>(null);
  /** Events that beat LearnFile's answer wait here. */
  const early = useRef<{ event: string; payload: unknown }[] | null>(null);

  const refresh = useCallback(() => {
    client
      .request('ListLearnableFiles', {})
      .then((answer) => {
        setFiles(answer.files);
        setTruncated(answer.truncated);
      })
      .catch((error: unknown) => toast({ title: 'Files not listed', message: (error as Error).message }));
  }, [client, toast]);

  useEffect(refresh, [refresh]);

  const handle = useCallback(
    (event: string, payload: unknown) => {
      if (early.current) {
        if (early.current.length < 500) early.current.push({ event, payload });
        return;
      }
      const jobId = (payload as { jobId?: unknown }).jobId;
      if (jobId === undefined || jobId !== currentJob.current) return;
      if (event === 'LearnProgress') {
        const p = payload as EventPayload<'LearnProgress'>;
        setJob((j) => ({
          phase: 'running',
          jobId: p.jobId,
          name: j.phase === 'running' || j.phase === 'starting' ? j.name : '',
          stage: p.stage,
          done: p.done,
          total: p.total,
        }));
      } else if (event === 'LearnFinished') {
        currentJob.current = null;
        setJob({ phase: 'finished', result: payload as EventPayload<'LearnFinished'> });
      } else if (event === 'LearnFailed') {
        currentJob.current = null;
        const { error } = payload as EventPayload<'LearnFailed'>;
        if (error === 'canceled') {
          setJob({ phase: 'canceled' });
          return;
        }
        setJob({ phase: 'failed', error });
        toast({ title: 'Learning failed', message: error });
      }
    },
    [toast],
  );

  useEffect(() => {
    const detach = [
      client.on('LearnProgress', (p) => handle('LearnProgress', p)),
      client.on('LearnFinished', (p) => handle('LearnFinished', p)),
      client.on('LearnFailed', (p) => handle('LearnFailed', p)),
    ];
    return () => {
      for (const d of detach) d();
    };
  }, [client, handle]);

  const running = job.phase === 'starting' || job.phase === 'running';

  const learn = async (path: string, name: string) => {
    if (running) return;
    currentJob.current = null;
    early.current = [];
    setJob({ phase: 'starting', name });
    try {
      const { jobId } = await client.request('LearnFile', { path, offline });
      const waiting = early.current ?? [];
      early.current = null;
      currentJob.current = jobId;
      setJob({ phase: 'running', jobId, name, stage: 'reading', done: 0, total: 0 });
      for (const { event, payload } of waiting) handle(event, payload);
    } catch (error) {
      early.current = null;
      const message = (error as Error).message;
      setJob({ phase: 'failed', error: message });
      toast({ title: 'Learning refused', message });
    }
  };

  /** Asks the engine to stop the job; its LearnFailed "canceled" ends it here. */
  const cancel = () => {
    if (job.phase !== 'running') return;
    client
      .request('CancelLearn', { jobId: job.jobId })
      .then((answer) => {
        // The job had already ended: its own event has said how.
        if (!answer.canceled && currentJob.current === job.jobId) {
          toast({ title: 'Not canceled', message: 'The learning job had already ended.' });
        }
      })
      .catch((error: unknown) => toast({ title: 'Not canceled', message: (error as Error).message }));
  };

  const electron = window.hyperdesk !== undefined;

  const onDrop = (e: DragEvent<HTMLDivElement>) => {
    e.preventDefault();
    setDragging(false);
    const file = e.dataTransfer.files[0];
    if (!file) return;
    const path = droppedFilePath(file);
    if (path === null) {
      setDropNote(
        `The browser does not tell the engine where “${file.name}” is. Copy it into the engine’s data folder (--data-dir), then press Refresh.`,
      );
      return;
    }
    setDropNote(null);
    void learn(path, file.name);
  };

  const result = job.phase === 'finished' ? job.result : null;

  return (
    <section
      className="panel-body learn-panel"
      aria-label="Learn from files"
      data-testid="learn-panel"
      data-state={job.phase}
    >
      <div className="learn-options">
        <label>
          <input
            type="checkbox"
            checked={offline}
            onChange={(e) => setOffline(e.target.checked)}
            data-testid="learn-offline"
          />{' '}
          Offline extractor (no Claude)
        </label>
        <button type="button" onClick={refresh} data-testid="learn-refresh">
          Refresh
        </button>
      </div>
      <div
        className={dragging ? 'drop-zone drop-zone-active' : 'drop-zone'}
        data-testid="learn-drop-zone"
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        {electron
          ? 'Drop a PDF, video or subtitle file here to learn it (it must be inside a data folder).'
          : 'In the browser, files cannot be sent to the engine: put PDFs, videos and subtitle files in the engine’s data folder (--data-dir) and press Refresh.'}
        {dropNote && (
          <p className="note" role="status">
            {dropNote}
          </p>
        )}
      </div>
      {files === null ? (
        <p className="note">Listing files…</p>
      ) : files.length === 0 ? (
        <p className="note">No PDFs, videos or subtitle files in the data folder.</p>
      ) : (
        <ul className="learn-files" aria-label="Learnable files">
          {files.map((file) => (
            <li key={file.path} data-testid="learnable-file" data-name={file.name}>
              <span className="learn-file-name" title={file.relativePath}>
                {file.relativePath}
              </span>
              <span className="muted">
                {file.kind} · {formatBytes(file.bytes)}
              </span>
              <button
                type="button"
                className="primary"
                disabled={running}
                onClick={() => void learn(file.path, file.name)}
                aria-label={`Learn ${file.name}`}
                data-testid="learn-file"
              >
                Learn
              </button>
            </li>
          ))}
        </ul>
      )}
      {truncated && <p className="note">Only the first files are listed.</p>}
      {job.phase === 'starting' && <p className="run-status">Starting {job.name}…</p>}
      {job.phase === 'running' && (
        <div className="learn-running">
          <ProgressBar stage={job.stage} done={job.done} total={job.total} />
          <button type="button" onClick={cancel} data-testid="learn-cancel" aria-label={`Cancel learning ${job.name}`}>
            Cancel
          </button>
        </div>
      )}
      {job.phase === 'canceled' && (
        <p className="run-status" role="status" data-testid="learn-canceled">
          Canceled: nothing was saved.
        </p>
      )}
      {job.phase === 'failed' && (
        <p className="field-error" role="alert">
          {job.error}
        </p>
      )}
      {result && (
        <div className="learn-result" data-testid="learn-result" data-rule-count={result.rules.length}>
          <p className="run-status" role="status">
            {result.name}: {result.rules.length} rule(s) by{' '}
            {result.method === 'offline' ? 'the offline extractor' : 'Claude'}
            {result.cached ? ' — learned before, nothing was sent again' : ''}
          </p>
          {result.notices.map((notice) => (
            <p key={notice} className="note">
              {notice}
            </p>
          ))}
          <RuleTable rules={result.rules} onOpen={setStudy} label={`Rules learned from ${result.name}`} />
        </div>
      )}
      {study && <RuleStudy key={study.id} rule={study} onClose={() => setStudy(null)} />}
    </section>
  );
}

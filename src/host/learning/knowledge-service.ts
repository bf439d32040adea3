import type { Database } from 'better-sqlite3';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { hashFile } from '../../adapters/learning/hash-file.ts';
import type { SecretStore } from '../../adapters/secrets/secret-store.ts';
import { EnvSecretStore } from '../../adapters/secrets/env-secret-store.ts';
import { KnowledgeStore } from '../../adapters/sqlite/knowledge/knowledge-store.ts';
import { SqliteCandleStore } from '../../adapters/sqlite/sqlite-candle-store.ts';
import { SystemClock } from '../../adapters/system-clock.ts';
import { TimerScheduler } from '../../adapters/timer-scheduler.ts';
import type { ComponentContext, EngineComponent } from '../../engine/kernel/kernel.ts';
import type { Scheduler, SeriesRepository } from '../../engine/ports.ts';
import type { CommandResponse, ParsedCommandRequest } from '../../shared/contract/commands.ts';
import { NotFoundError, ValidationError } from '../../shared/contract/errors.ts';
import { MAX_CONCURRENT_LEARN_JOBS, MAX_SOURCE_PDF_BYTES } from '../../shared/contract/knowledge-commands.ts';
import type { EngineHostConfig } from '../engine-host-config.ts';
import { learnableKind, listLearnableFiles, resolveInsideRoots } from './data-root-files.ts';
import { FeedbackJobs, compileReportWire } from './feedback-jobs.ts';
import { compileStored } from './feedback-service.ts';
import { chooseExtractor, learnFile } from './learn-service.ts';
import { ruleSummary, strategyInfo } from './rule-summary.ts';
import { keyframeImage, sourceMedia } from './source-media.ts';

export { ruleSummary } from './rule-summary.ts';

/** Progress events per stage of a job, at most (plus the first and last). */
const PROGRESS_STEPS = 50;

/** Options of {@link KnowledgeService}. */
export interface KnowledgeServiceOptions {
  readonly store: KnowledgeStore;
  /** Folders whose files may be learned; anything outside them is refused. */
  readonly dataRoots: readonly string[];
  /** Folder under which a video's keyframes are kept. */
  readonly keyframeRoot: string;
  /** Where the Anthropic API key is looked up (environment first, then the host's store, in the hosts). */
  readonly secrets: SecretStore;
  /** Another Messages API endpoint (tests, proxies). */
  readonly baseURL?: string;
  /** The stored candle series feedback runs backtest on. */
  readonly series: SeriesRepository;
  /** Paces feedback runs' backtest slices. */
  readonly scheduler: Scheduler;
  /** The Claude model of each learn job (the Settings panel's choice), read when the job starts. */
  readonly model?: () => string;
}

/**
 * The text of each page of a document as the chunks hold it: a chunk's text moves on to its
 * next page at each form feed, and its heading is on its first page.
 */
export function pageTexts(chunks: readonly { heading: string | null; text: string; pages: { from: number } | null }[]) {
  const pages = new Map<number, string[]>();
  const add = (page: number, text: string) => {
    const t = text.trim();
    if (t === '') return;
    const list = pages.get(page) ?? [];
    list.push(t);
    pages.set(page, list);
  };
  for (const chunk of chunks) {
    if (!chunk.pages) continue;
    if (chunk.heading) add(chunk.pages.from, chunk.heading);
    chunk.text.split('\f').forEach((part, i) => add(chunk.pages!.from + i, part));
  }
  return new Map([...pages].map(([page, parts]) => [page, parts.join('\n\n')] as const));
}

/**
 * Serves learning through the contract: `ListLearnableFiles`, `LearnFile` (a background job
 * reporting `LearnProgress`, then `LearnFinished` or `LearnFailed`) and `CancelLearn`,
 * `ListRules`, `SetRuleEnabled`, `GetSourcePage`; strategies (`ListStrategies`,
 * `CreateStrategy`, `CompileStrategy`) and their feedback runs (`RunFeedback`,
 * `CancelFeedback`, `ApproveSuggestion`, see {@link FeedbackJobs}); a video's keyframes and
 * transcript (`GetSourceMedia`, `GetKeyframeImage`). Files are read only inside the data
 * folders, keyframes only inside the keyframe folder.
 */
export class KnowledgeService implements EngineComponent {
  readonly name = 'knowledge';
  private readonly options: KnowledgeServiceOptions;
  private readonly feedback: FeedbackJobs;
  private readonly jobs = new Map<string, AbortController>();
  /** Where each source learned in this run was read, for `GetSourcePage`'s PDF. */
  private readonly sourcePaths = new Map<string, string>();
  private context: ComponentContext | null = null;
  private counter = 0;

  constructor(options: KnowledgeServiceOptions) {
    this.options = options;
    this.feedback = new FeedbackJobs({ store: options.store, series: options.series, scheduler: options.scheduler });
  }

  start(context: ComponentContext): void {
    this.context = context;
    context.handle('ListLearnableFiles', () => listLearnableFiles(this.options.dataRoots));
    context.handle('LearnFile', (request) => this.learn(request));
    context.handle('ListRules', (request) => ({
      rules: this.options.store
        .rules(request.sourceId === undefined ? {} : { sourceId: request.sourceId })
        .map(ruleSummary),
    }));
    context.handle('SetRuleEnabled', (request) => {
      if (!this.options.store.rule(request.id))
        throw new NotFoundError(`no rule "${request.id}" in the knowledge base`);
      this.options.store.setEnabled(request.id, request.enabled);
      const rule = this.options.store.rule(request.id);
      if (!rule) throw new NotFoundError(`no rule "${request.id}" in the knowledge base`);
      return ruleSummary(rule);
    });
    context.handle('GetSourcePage', (request) => this.sourcePage(request));
    context.handle('CancelLearn', (request) => {
      const job = this.jobs.get(request.jobId);
      // The job's own run ends it with LearnFailed "canceled" once the reader or extractor stops.
      if (job && !job.signal.aborted) {
        job.abort();
        return { jobId: request.jobId, canceled: true };
      }
      return { jobId: request.jobId, canceled: false };
    });
    const store = this.options.store;
    context.handle('ListStrategies', () => ({
      strategies: store.listStrategies().flatMap((s) => {
        const strategy = store.strategy(s.name);
        return strategy ? [strategyInfo(strategy)] : [];
      }),
    }));
    context.handle('CreateStrategy', (request) => {
      const made = store.createStrategy(request.name, request.ruleIds, request.note);
      const strategy = store.strategy(made.name);
      if (!strategy) throw new NotFoundError(`no strategy named "${made.name}" in the knowledge base`);
      return strategyInfo(strategy);
    });
    context.handle('CompileStrategy', (request) =>
      compileReportWire(request.name, request.interval, compileStored(store, request.name, request.interval)),
    );
    this.feedback.attach(context);
    context.handle('RunFeedback', (request) => this.feedback.start(request));
    context.handle('CancelFeedback', (request) => ({
      feedbackId: request.feedbackId,
      canceled: this.feedback.cancel(request.feedbackId),
    }));
    context.handle('ApproveSuggestion', (request) => this.feedback.approve(request));
    context.handle('GetSourceMedia', (request) => sourceMedia(store, request.sourceId));
    context.handle('GetKeyframeImage', (request) =>
      keyframeImage(store, this.options.keyframeRoot, request.sourceId, request.timestamp),
    );
  }

  stop(): void {
    this.feedback.detach();
    for (const job of this.jobs.values()) job.abort();
    this.jobs.clear();
    this.context = null;
  }

  private async learn(request: ParsedCommandRequest<'LearnFile'>): Promise<CommandResponse<'LearnFile'>> {
    if (!this.context) throw new ValidationError('the knowledge service is not running');
    if (this.jobs.size >= MAX_CONCURRENT_LEARN_JOBS) {
      throw new ValidationError(
        `LearnFile: ${MAX_CONCURRENT_LEARN_JOBS} files are already being learned; wait for one to finish`,
      );
    }
    const file = await resolveInsideRoots(request.path, this.options.dataRoots);
    if (learnableKind(file) === null) {
      throw new ValidationError(
        'HyperDesk learns from PDFs (.pdf), videos (.mp4 .mkv .mov .webm .avi .m4v) and subtitles (.srt .vtt)',
      );
    }
    const jobId = `learn-${++this.counter}`;
    const controller = new AbortController();
    this.jobs.set(jobId, controller);
    // Started after the answer is on its way, so the client knows the job id before its events.
    setImmediate(() => void this.run(jobId, file, request.offline, controller));
    return { jobId };
  }

  private async run(jobId: string, file: string, offline: boolean, controller: AbortController): Promise<void> {
    const publishFailure = (error: unknown) => {
      const context = this.context;
      if (!context) return;
      context.bus.publish({
        event: 'LearnFailed',
        payload: { jobId, at: context.clock.now(), error: (error as Error).message || String(error) },
      });
    };
    try {
      const { extractor, notice } = await chooseExtractor({
        offline,
        secrets: this.options.secrets,
        ...(this.options.model ? { model: this.options.model() } : {}),
        ...(this.options.baseURL ? { baseURL: this.options.baseURL } : {}),
      });
      let last = { stage: '', bucket: -1 };
      const result = await learnFile(file, {
        store: this.options.store,
        extractor,
        keyframeRoot: this.options.keyframeRoot,
        signal: controller.signal,
        onProgress: (stage, done, total) => {
          const context = this.context;
          if (!context) return;
          const bucket = total > 0 ? Math.floor((done * PROGRESS_STEPS) / total) : 0;
          if (stage === last.stage && bucket === last.bucket) return;
          last = { stage, bucket };
          context.bus.publish({
            event: 'LearnProgress',
            payload: { jobId, at: context.clock.now(), stage, done, total: Math.max(total, done) },
          });
        },
      });
      this.sourcePaths.set(result.sourceId, file);
      const context = this.context;
      if (!context) return;
      context.bus.publish({
        event: 'LearnFinished',
        payload: {
          jobId,
          at: context.clock.now(),
          sourceId: result.sourceId,
          name: result.name,
          cached: result.cached,
          method: result.method,
          rules: result.rules.map(ruleSummary),
          notices: [...(notice ? [notice] : []), ...result.notices],
          // A cached result sent nothing this time: its stored usage was paid for before.
          usage: result.cached
            ? { inputTokens: 0, outputTokens: 0, costUsd: '0' }
            : {
                inputTokens: result.report.usage.inputTokens,
                outputTokens: result.report.usage.outputTokens,
                costUsd: result.report.usage.costUsd,
              },
        },
      });
    } catch (error) {
      publishFailure(controller.signal.aborted ? new Error('canceled') : error);
    } finally {
      this.jobs.delete(jobId);
    }
  }

  private async sourcePage(request: ParsedCommandRequest<'GetSourcePage'>): Promise<CommandResponse<'GetSourcePage'>> {
    const store = this.options.store;
    const source = store.getSource(request.sourceId);
    if (!source) throw new NotFoundError(`no source "${request.sourceId}" in the knowledge base`);
    if (source.kind !== 'pdf') throw new ValidationError(`${source.name} is not a document: it has no pages`);
    if (source.pages !== null && request.page > source.pages) {
      throw new ValidationError(`${source.name} has ${source.pages} page(s); there is no page ${request.page}`);
    }
    const text = pageTexts(store.chunks(source.id)).get(request.page) ?? '';
    let pdf: string | null = null;
    if (source.bytes <= MAX_SOURCE_PDF_BYTES) {
      const file = await this.findSourceFile(source.id, source.contentHash, source.bytes);
      if (file) pdf = (await readFile(file)).toString('base64');
    }
    return { sourceId: source.id, name: source.name, page: request.page, pages: source.pages, text, pdf };
  }

  /** The file in the data folders with this content: the one learned in this run, else one found by size and hash. */
  private async findSourceFile(sourceId: string, contentHash: string, bytes: number): Promise<string | null> {
    const known = this.sourcePaths.get(sourceId);
    if (known) {
      const checked = await resolveInsideRoots(known, this.options.dataRoots).catch(() => null);
      if (checked && (await hashFile(checked).catch(() => null))?.hash === contentHash) return checked;
      this.sourcePaths.delete(sourceId);
    }
    const { files } = await listLearnableFiles(this.options.dataRoots);
    for (const file of files) {
      if (file.kind !== 'pdf' || file.bytes !== bytes) continue;
      if ((await hashFile(file.path).catch(() => null))?.hash === contentHash) {
        this.sourcePaths.set(sourceId, file.path);
        return file.path;
      }
    }
    return null;
  }
}

/**
 * The knowledge service of an engine host: the knowledge base on the engine's database, the
 * host's data folders, keyframes beside the database, the Anthropic API key from `keys.secrets`
 * (default the engine's environment, `ANTHROPIC_API_KEY`; without a key the offline extractor
 * is used) with the model `keys.model` names, and
 * the candle series of the same database for feedback runs, sliced by timers.
 */
export function knowledgeService(
  db: Database,
  config: Pick<EngineHostConfig, 'dbPath' | 'dataRoots'>,
  keys: { readonly secrets?: SecretStore; readonly model?: () => string } = {},
) {
  const clock = new SystemClock();
  return new KnowledgeService({
    series: new SqliteCandleStore(db, () => clock.now()),
    scheduler: new TimerScheduler(),
    store: new KnowledgeStore(db),
    dataRoots: config.dataRoots,
    keyframeRoot:
      config.dbPath === ':memory:' ? join(tmpdir(), 'hyperdesk-keyframes') : join(dirname(config.dbPath), 'keyframes'),
    secrets: keys.secrets ?? new EnvSecretStore(),
    ...(keys.model ? { model: keys.model } : {}),
    ...(process.env.HYPERDESK_ANTHROPIC_BASE_URL ? { baseURL: process.env.HYPERDESK_ANTHROPIC_BASE_URL } : {}),
  });
}

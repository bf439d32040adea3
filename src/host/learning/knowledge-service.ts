import type { Database } from 'better-sqlite3';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { hashFile } from '../../adapters/learning/hash-file.ts';
import type { SecretStore } from '../../adapters/secrets/secret-store.ts';
import { EnvSecretStore } from '../../adapters/secrets/env-secret-store.ts';
import { KnowledgeStore } from '../../adapters/sqlite/knowledge/knowledge-store.ts';
import type { StoredRule } from '../../adapters/sqlite/knowledge/knowledge-types.ts';
import type { ComponentContext, EngineComponent } from '../../engine/kernel/kernel.ts';
import type { CommandResponse, ParsedCommandRequest } from '../../shared/contract/commands.ts';
import { NotFoundError, ValidationError } from '../../shared/contract/errors.ts';
import {
  MAX_CONCURRENT_LEARN_JOBS,
  MAX_SOURCE_PDF_BYTES,
  type RuleSummary,
} from '../../shared/contract/knowledge-commands.ts';
import type { EngineHostConfig } from '../engine-host-config.ts';
import { learnableKind, listLearnableFiles, resolveInsideRoots } from './data-root-files.ts';
import { chooseExtractor, learnFile } from './learn-service.ts';

/** Progress events per stage of a job, at most (plus the first and last). */
const PROGRESS_STEPS = 50;

/** Options of {@link KnowledgeService}. */
export interface KnowledgeServiceOptions {
  readonly store: KnowledgeStore;
  /** Folders whose files may be learned; anything outside them is refused. */
  readonly dataRoots: readonly string[];
  /** Folder under which a video's keyframes are kept. */
  readonly keyframeRoot: string;
  /** Where the Anthropic API key is looked up (the engine's environment in the hosts). */
  readonly secrets: SecretStore;
  /** Another Messages API endpoint (tests, proxies). */
  readonly baseURL?: string;
}

/** The wire form of a stored rule. */
export function ruleSummary(rule: StoredRule): RuleSummary {
  return {
    id: rule.id,
    version: rule.version,
    name: rule.rule.name,
    kind: rule.rule.kind,
    confidence: rule.rule.confidence,
    enabled: rule.enabled,
    citation: rule.rule.citation,
  };
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
 * reporting `LearnProgress`, then `LearnFinished` or `LearnFailed`), `ListRules`,
 * `SetRuleEnabled` and `GetSourcePage`. Files are read only inside the data folders.
 */
export class KnowledgeService implements EngineComponent {
  readonly name = 'knowledge';
  private readonly options: KnowledgeServiceOptions;
  private readonly jobs = new Map<string, AbortController>();
  /** Where each source learned in this run was read, for `GetSourcePage`'s PDF. */
  private readonly sourcePaths = new Map<string, string>();
  private context: ComponentContext | null = null;
  private counter = 0;

  constructor(options: KnowledgeServiceOptions) {
    this.options = options;
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
  }

  stop(): void {
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
 * host's data folders, keyframes beside the database, and the Anthropic API key from the
 * engine's environment (`ANTHROPIC_API_KEY`; without it the offline extractor is used).
 */
export function knowledgeService(db: Database, config: Pick<EngineHostConfig, 'dbPath' | 'dataRoots'>) {
  return new KnowledgeService({
    store: new KnowledgeStore(db),
    dataRoots: config.dataRoots,
    keyframeRoot:
      config.dbPath === ':memory:' ? join(tmpdir(), 'hyperdesk-keyframes') : join(dirname(config.dbPath), 'keyframes'),
    secrets: new EnvSecretStore(),
    ...(process.env.HYPERDESK_ANTHROPIC_BASE_URL ? { baseURL: process.env.HYPERDESK_ANTHROPIC_BASE_URL } : {}),
  });
}

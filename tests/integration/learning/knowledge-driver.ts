import { startContractEngine, type ContractDriver } from '../../helpers/contract-driver.ts';
import { waitFor } from '../../helpers/wait-for.ts';

/** Payload fields a knowledge driver's `of(name, id)` matches: a learning job's or a feedback run's id. */
export const KNOWLEDGE_IDS = ['jobId', 'feedbackId'] as const;

/**
 * The learning and feedback waits on a contract driver (made with `idKeys: KNOWLEDGE_IDS`), as
 * the worker serves the engine: raw messages, every event checked against its schema.
 */
export function knowledgeDriver({ call, fail, of }: Pick<ContractDriver, 'call' | 'fail' | 'of'>) {
  /** Learns a file (offline unless told) and waits for its job to end. */
  async function learn(path: string, offline = true) {
    const { jobId } = await call('LearnFile', { path, offline });
    await waitFor(
      () => (of('LearnFinished', jobId).length + of('LearnFailed', jobId).length > 0 ? true : undefined),
      60_000,
      'the learning job',
    );
    const failed = of('LearnFailed', jobId)[0];
    if (failed) throw new Error(`learning failed: ${failed.error}`);
    return { finished: of('LearnFinished', jobId)[0]!, progress: of('LearnProgress', jobId) };
  }
  /** Waits for a feedback run to end; its Finished or Failed payload. */
  async function feedbackEnd(feedbackId: string) {
    await waitFor(
      () =>
        of('FeedbackFinished', feedbackId).length + of('FeedbackFailed', feedbackId).length > 0 ? true : undefined,
      60_000,
      'the feedback run',
    );
    return { finished: of('FeedbackFinished', feedbackId)[0], failed: of('FeedbackFailed', feedbackId)[0] };
  }
  return { call, fail, learn, of, feedbackEnd };
}

/** An engine on its own database in `dir`, data folder `data`, started, with a driver. */
export async function startKnowledgeEngine(dir: string, data: string) {
  const started = await startContractEngine({ dir, dataRoots: [data], idKeys: KNOWLEDGE_IDS });
  return { ...knowledgeDriver(started), engine: started.engine };
}

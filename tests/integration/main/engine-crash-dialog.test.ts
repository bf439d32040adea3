import type { MessageBoxOptions } from 'electron';
import { afterEach, describe, expect, it } from 'vitest';
import { WorkerSupervisor } from '../../../src/host/worker-supervisor.ts';
import { watchEngineCrashes } from '../../../src/main/engine-alerts.ts';
import { EngineClient } from '../../../src/shared/client/engine-client.ts';
import { SAMPLE_LOAD, testEngineConfig } from '../../helpers/engine-config.ts';
import { GatewayTransport } from '../../helpers/gateway-transport.ts';
import { tempDir } from '../../helpers/paths.ts';
import { waitFor } from '../../helpers/wait-for.ts';

const CRASHABLE_WORKER = new URL('../../fixtures/crashable-engine-worker.ts', import.meta.url);

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('engine worker crash in the desktop app (real supervisor and worker, fake dialog)', () => {
  it('restarts the engine and shows a dialog that never blocks requests', async () => {
    const tmp = tempDir();
    const supervisor = new WorkerSupervisor({
      workerUrl: CRASHABLE_WORKER,
      config: testEngineConfig(tmp.dir),
      restartDelayMs: 10,
    });
    cleanups.push(
      () => tmp.remove(),
      () => supervisor.stop(),
    );
    const shown: MessageBoxOptions[] = [];
    const stop = watchEngineCrashes<object>({
      engine: supervisor,
      // The user never answers: the box stays open for the rest of the test.
      showMessageBox: (_window, options) => {
        shown.push(options);
        return new Promise(() => undefined);
      },
      getWindow: () => ({}),
      relaunch: () => undefined,
    });
    cleanups.push(stop);
    await supervisor.start();
    const client = new EngineClient(new GatewayTransport(supervisor), { requestTimeoutMs: 10_000 });
    cleanups.push(() => client.close());

    await expect(client.request('LoadCandles', { ...SAMPLE_LOAD, coin: 'CRASH' })).rejects.toMatchObject({
      code: 'ENGINE_RESTARTED',
    });
    await waitFor(() => (shown.length > 0 ? true : undefined), 10_000, 'restart dialog');
    expect(shown[0]).toMatchObject({ type: 'warning', detail: expect.stringContaining('code 3') });
    expect(supervisor.state).toBe('running');
    // With the dialog still open, the engine answers.
    await expect(client.request('GetEngineStatus', {})).resolves.toBeDefined();
  });
});

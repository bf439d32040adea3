import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { WorkerSupervisor } from '../../../src/host/worker-supervisor.ts';
import { registerIpcBridge } from '../../../src/main/ipc-bridge.ts';
import { createBridge } from '../../../src/preload/create-bridge.ts';
import { IpcTransport } from '../../../src/renderer/src/client/ipc-transport.ts';
import { IPC_CHANNELS } from '../../../src/shared/bridge.ts';
import { EngineClient } from '../../../src/shared/client/engine-client.ts';
import type { ResponseMessage } from '../../../src/shared/contract/protocol.ts';
import { SAMPLE_CANDLES, SAMPLE_LOAD, testEngineConfig } from '../../helpers/engine-config.ts';
import { ENGINE_WORKER, tempDir } from '../../helpers/paths.ts';
import { SimulatedIpc } from '../../helpers/simulated-ipc.ts';

const APP_URL = pathToFileURL('/opt/HyperDesk/resources/app.asar/out/renderer/index.html').toString();
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function wire() {
  const tmp = tempDir();
  const supervisor = new WorkerSupervisor({ workerUrl: ENGINE_WORKER, config: testEngineConfig(tmp.dir) });
  await supervisor.start();
  const ipc = new SimulatedIpc({ url: APP_URL, parent: null });
  const refused: string[] = [];
  const disconnect = registerIpcBridge({
    ipcMain: ipc.ipcMain,
    engine: supervisor,
    appUrl: () => APP_URL,
    sinks: () => [ipc.webContents],
    log: (m) => refused.push(m),
  });
  const bridge = createBridge(ipc.ipcRenderer, 'linux');
  const client = new EngineClient(new IpcTransport(bridge), { requestTimeoutMs: 10_000 });
  cleanups.push(
    () => tmp.remove(),
    () => supervisor.stop(),
    disconnect,
    () => client.close(),
  );
  return { ipc, client, bridge, refused };
}

describe('Electron IPC path (simulated IPC, real preload bridge, real main bridge, real worker)', () => {
  it('round-trips commands and delivers events to the renderer', async () => {
    const { client } = await wire();
    const events: unknown[] = [];
    client.on('CandlesLoaded', (e) => events.push(e));
    const info = await client.request('LoadCandles', SAMPLE_LOAD);
    const { candles } = await client.request('QueryCandles', { seriesId: info.seriesId });
    expect(candles).toHaveLength(SAMPLE_CANDLES);
    expect(events).toEqual([expect.objectContaining({ seriesId: info.seriesId, count: SAMPLE_CANDLES })]);
  });

  it('refuses requests from frames that are not the app (iframe, other page, gone)', async () => {
    const { ipc, bridge, refused } = await wire();
    const request = { v: 1, type: 'request', id: 'x', command: 'GetEngineStatus', payload: {} };
    for (const frame of [
      { url: APP_URL, parent: {} },
      { url: 'https://evil.example/', parent: null },
      { url: 'file:///tmp/other.html', parent: null },
      null,
    ]) {
      ipc.frame = frame;
      const response = (await bridge.invoke(request)) as ResponseMessage;
      expect(response).toMatchObject({ id: 'x', ok: false, error: { code: 'VALIDATION' } });
    }
    expect(refused).toHaveLength(4);
  });

  it('validates the envelope in main and names the bad field', async () => {
    const { bridge } = await wire();
    const response = (await bridge.invoke({ v: 1, type: 'request', id: 'y', command: 42 })) as ResponseMessage;
    expect(response).toMatchObject({ id: 'y', ok: false, error: { message: expect.stringContaining('command') } });
  });

  it('exposes only named functions, and unsubscribing removes the IPC listener', async () => {
    const { ipc, bridge } = await wire();
    expect(Object.keys(bridge).sort()).toEqual(['invoke', 'onMessage', 'pathForFile', 'platform']);
    expect(Object.isFrozen(bridge)).toBe(true);
    const before = ipc.listenerCount(IPC_CHANNELS.message);
    const off = bridge.onMessage(() => undefined);
    expect(ipc.listenerCount(IPC_CHANNELS.message)).toBe(before + 1);
    off();
    expect(ipc.listenerCount(IPC_CHANNELS.message)).toBe(before);
  });
});

import { app, BrowserWindow, dialog, ipcMain, session, shell } from 'electron';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import engineWorkerPath from '../host/engine-worker.ts?modulePath';
import { WorkerSupervisor } from '../host/worker-supervisor.ts';
import { registerIpcBridge } from './ipc-bridge.ts';
import { isAllowedNavigation, isExternalLinkAllowed } from './security-policy.ts';
import { createWindowOptions } from './window-options.ts';

const devServerUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined;
const rendererFile = join(import.meta.dirname, '../renderer/index.html');
const appUrl = () => devServerUrl ?? pathToFileURL(rendererFile).toString();
const resourcesDir = app.isPackaged ? join(process.resourcesPath, 'resources') : join(app.getAppPath(), 'resources');

let mainWindow: BrowserWindow | null = null;

if (!app.requestSingleInstanceLock()) {
  // A second copy would open the same database and trade the same account: hand over to the first.
  app.quit();
} else {
  app.on('second-instance', () => {
    if (mainWindow) {
      if (mainWindow.isMinimized()) mainWindow.restore();
      mainWindow.focus();
    }
  });
  app
    .whenReady()
    .then(start)
    .catch((error: unknown) => fail(error));
}

// Every web contents (window, devtools, anything created later) gets the same lockdown.
app.on('web-contents-created', (_event, contents) => {
  contents.on('will-navigate', (event, url) => {
    if (!isAllowedNavigation(url, appUrl())) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAllowedNavigation(url, appUrl())) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (isExternalLinkAllowed(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
});

async function start(): Promise<void> {
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);

  const dataDir = app.getPath('userData');
  mkdirSync(dataDir, { recursive: true });
  const supervisor = new WorkerSupervisor({
    workerUrl: engineWorkerPath,
    config: {
      dbPath: join(dataDir, 'hyperdesk.db'),
      samplesDir: join(resourcesDir, 'samples'),
      dataRoots: [dataDir],
      mode: 'research',
    },
    log: (level, message) => console[level](`[engine] ${message}`),
  });
  supervisor.onEvent((event) => {
    if (event.event === 'EngineFailed' && mainWindow) {
      void dialog.showMessageBox(mainWindow, {
        type: 'error',
        title: 'HyperDesk engine stopped',
        message: 'The trading engine crashed repeatedly and was stopped.',
        detail: 'Restart HyperDesk. If this keeps happening, please report it with the log.',
      });
    }
  });
  registerIpcBridge({
    ipcMain,
    engine: supervisor,
    appUrl,
    sinks: () => BrowserWindow.getAllWindows().map((w) => w.webContents),
    log: (message) => console.warn(message),
  });
  // Quit only once the engine has stopped and closed its store.
  let stopped = false;
  app.on('before-quit', (event) => {
    if (stopped) return;
    event.preventDefault();
    supervisor.stop().finally(() => {
      stopped = true;
      app.quit();
    });
  });
  await supervisor.start();
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
}

function createWindow(): void {
  const window = new BrowserWindow(createWindowOptions(join(import.meta.dirname, '../preload/index.cjs')));
  mainWindow = window;
  window.once('ready-to-show', () => window.show());
  window.on('closed', () => {
    if (mainWindow === window) mainWindow = null;
  });
  if (devServerUrl) void window.loadURL(devServerUrl);
  else void window.loadFile(rendererFile);
}

function fail(error: unknown): void {
  dialog.showErrorBox('HyperDesk could not start', (error as Error).message);
  app.exit(1);
}

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

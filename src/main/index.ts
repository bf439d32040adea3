import { app, BrowserWindow, dialog, ipcMain, Menu, screen, session, shell } from 'electron';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import engineWorkerPath from '../host/engine-worker.ts?modulePath';
import { chosenDataDir } from '../host/settings/data-folder.ts';
import { WorkerSupervisor } from '../host/worker-supervisor.ts';
import { buildAppMenuTemplate } from './app-menu.ts';
import { watchEngineCrashes } from './engine-alerts.ts';
import { registerIpcBridge } from './ipc-bridge.ts';
import { isAllowedNavigation, isExternalLinkAllowed } from './security-policy.ts';
import { claimSingleInstance } from './single-instance.ts';
import { NotImplementedUpdater } from './update-policy.ts';
import { createWindowOptions } from './window-options.ts';
import { loadWindowState, restoreBounds, saveWindowState, trackWindowState } from './window-state.ts';

const devServerUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined;
const rendererFile = join(import.meta.dirname, '../renderer/index.html');
const appUrl = () => devServerUrl ?? pathToFileURL(rendererFile).toString();
const resourcesDir = app.isPackaged ? join(process.resourcesPath, 'resources') : join(app.getAppPath(), 'resources');

let mainWindow: BrowserWindow | null = null;

// A second copy would open the same database and trade the same account: hand over to the first.
const instance = claimSingleInstance(app, () => mainWindow);
if (instance) {
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

  // The folder chosen in the Settings panel, recorded in the default folder's database.
  const home = app.getPath('userData');
  const dataDir = chosenDataDir(home) ?? home;
  mkdirSync(dataDir, { recursive: true });
  const supervisor = new WorkerSupervisor({
    workerUrl: engineWorkerPath,
    config: {
      dbPath: join(dataDir, 'hyperdesk.db'),
      samplesDir: join(resourcesDir, 'samples'),
      dataRoots: [dataDir],
      mode: 'research',
      ...(dataDir !== home ? { dataDirHome: home } : {}),
    },
    log: (level, message) => console[level](`[engine] ${message}`),
  });
  // Crash dialogs are shown without awaiting them: the window and IPC never wait on a dialog.
  watchEngineCrashes<BrowserWindow>({
    engine: supervisor,
    getWindow: () => (mainWindow && !mainWindow.isDestroyed() ? mainWindow : null),
    showMessageBox: (window, options) =>
      window ? dialog.showMessageBox(window, options) : dialog.showMessageBox(options),
    relaunch: () => {
      app.relaunch();
      app.quit();
    },
    log: (message) => console.warn(message),
  });
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      buildAppMenuTemplate({
        platform: process.platform,
        appName: app.getName(),
        dev: !app.isPackaged,
        openExternal: (url) => shell.openExternal(url),
      }),
    ),
  );
  void new NotImplementedUpdater().checkForUpdates().then((result) => {
    if (result.status === 'not-implemented') console.info(`[update] ${result.message}`);
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
  const stateFile = join(app.getPath('userData'), 'window-state.json');
  const { maximized, ...bounds } = restoreBounds(loadWindowState(stateFile), screen.getAllDisplays());
  const window = new BrowserWindow({
    ...createWindowOptions(join(import.meta.dirname, '../preload/index.cjs')),
    ...bounds,
  });
  mainWindow = window;
  trackWindowState(window, {
    save: (state) => saveWindowState(stateFile, state),
    log: (message) => console.warn(message),
  });
  window.once('ready-to-show', () => {
    if (maximized) window.maximize();
    window.show();
    instance?.windowReady();
  });
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

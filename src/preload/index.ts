import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { createBridge } from './create-bridge.ts';

contextBridge.exposeInMainWorld(
  'hyperdesk',
  createBridge(ipcRenderer, process.platform, (file) => webUtils.getPathForFile(file)),
);

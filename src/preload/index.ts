import { contextBridge, ipcRenderer } from 'electron';
import { createBridge } from './create-bridge.ts';

contextBridge.exposeInMainWorld('hyperdesk', createBridge(ipcRenderer, process.platform));

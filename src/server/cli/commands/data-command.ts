import type { Command } from 'commander';
import type { CliIo } from '../program.ts';
import { registerDataDownload } from './data/download-command.ts';
import { registerDataExport } from './data/export-command.ts';
import { registerDataImport } from './data/import-command.ts';
import { registerDataInspect } from './data/inspect-command.ts';
import { registerDataList } from './data/list-command.ts';
import { registerDataRecord } from './data/record-command.ts';
import { registerDataResample } from './data/resample-command.ts';

/** `hyperdesk data …`: the candle cache and candle files. */
export function registerData(program: Command, io: CliIo): void {
  const data = program.command('data').description('import, inspect, resample, download and export candle data');
  for (const register of [
    registerDataImport,
    registerDataInspect,
    registerDataResample,
    registerDataDownload,
    registerDataRecord,
    registerDataList,
    registerDataExport,
  ]) {
    register(data, io);
  }
}

import { ESLint } from 'eslint';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../helpers/paths.ts';

const eslint = new ESLint({ cwd: ROOT });

async function ruleIds(code: string, file: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, file) });
  return (result?.messages ?? []).map((m) => m.ruleId ?? m.message);
}

describe('import boundaries (eslint.config.js)', () => {
  it.each([
    ["import { app } from 'electron';", 'src/engine/kernel/x.ts'],
    ["import { readFileSync } from 'node:fs';", 'src/engine/x.ts'],
    ["import Database from 'better-sqlite3';", 'src/engine/x.ts'],
    ["import { openDatabase } from '../adapters/sqlite/open-database.ts';", 'src/engine/x.ts'],
    ["import { useState } from 'react';", 'src/engine/data/x.ts'],
    ["import { Kernel } from '../../../engine/kernel/kernel.ts';", 'src/renderer/src/x.ts'],
    ["import { ipcRenderer } from 'electron';", 'src/renderer/src/x.ts'],
    ["import { serve } from '../server/serve.ts';", 'src/preload/x.ts'],
    ["import { createEngine } from '../host/create-engine.ts';", 'src/adapters/x.ts'],
    ["import { readFileSync } from 'node:fs';", 'src/shared/x.ts'],
  ])('forbids %s in %s', async (code, file) => {
    expect(await ruleIds(`${code}\nexport const x = 1;\n`, file)).toContain('no-restricted-imports');
  });

  it('forbids wall-clock time and timers inside the engine', async () => {
    const ids = await ruleIds('export const t = Date.now();\nsetTimeout(() => undefined, 1);\n', 'src/engine/x.ts');
    expect(ids).toEqual(['no-restricted-properties', 'no-restricted-globals']);
    const sneaky = await ruleIds(
      'export const a = new Date();\nexport const b = globalThis;\nqueueMicrotask(() => undefined);\nexport const c = performance;\n',
      'src/engine/x.ts',
    );
    expect(sneaky).toEqual([
      'no-restricted-syntax',
      'no-restricted-globals',
      'no-restricted-globals',
      'no-restricted-globals',
    ]);
    // A date built from a given time is deterministic and allowed.
    expect(await ruleIds('export const d = new Date(0).toISOString();\n', 'src/engine/x.ts')).toEqual([]);
  });

  it('allows the dependency direction the architecture wants', async () => {
    expect(
      await ruleIds(
        "import { Kernel } from '../engine/kernel/kernel.ts';\nexport const k = Kernel;\n",
        'src/host/x.ts',
      ),
    ).toEqual([]);
    expect(
      await ruleIds(
        "import { TIMEFRAMES } from '../../../shared/values/timeframe.ts';\nexport const t = TIMEFRAMES;\n",
        'src/renderer/src/x.ts',
      ),
    ).toEqual([]);
  });
});

import { z } from 'zod';
import { EngineModeSchema } from '../shared/contract/commands.ts';

/** What an engine host needs to wire the kernel: where its files are and which mode. */
export const EngineHostConfigSchema = z.object({
  /** SQLite file of the store, or `:memory:` for throwaway runs. */
  dbPath: z.string().min(1),
  /** Folder of the bundled sample datasets. */
  samplesDir: z.string().min(1),
  /** Folders whose files the engine may read when asked by path. */
  dataRoots: z.array(z.string().min(1)),
  mode: EngineModeSchema.default('research'),
});

/** What an engine host needs to wire the kernel. */
export type EngineHostConfig = z.infer<typeof EngineHostConfigSchema>;

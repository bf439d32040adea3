import { z } from 'zod';
import { EngineModeSchema } from '../shared/contract/commands.ts';

/**
 * Which secret store the engine writes and reads keys with, as `--secrets` names it:
 * `keychain` (the OS keychain), `env` (environment variables, read-only), `file:<dir>`
 * (mounted secret files, read-only) or `dir:<dir>` (a folder of 0600 files HyperDesk writes).
 */
export const SecretStoreSpecSchema = z
  .string()
  .regex(/^(keychain|env|file:.+|dir:.+)$/, 'must be keychain, env, file:<dir> or dir:<dir>');

/** The secret store of a host that names none: the OS keychain. */
export const DEFAULT_SECRET_STORE = 'keychain';

/** What an engine host needs to wire the kernel: where its files are and which mode. */
export const EngineHostConfigSchema = z.object({
  /** SQLite file of the store, or `:memory:` for throwaway runs. */
  dbPath: z.string().min(1),
  /** Folder of the bundled sample datasets. */
  samplesDir: z.string().min(1),
  /** Folders whose files the engine may read when asked by path. */
  dataRoots: z.array(z.string().min(1)),
  mode: EngineModeSchema.default('research'),
  /**
   * Where the Settings panel stores keys. Optional so every host keeps working unchanged:
   * absent means the OS keychain ({@link DEFAULT_SECRET_STORE}), the desktop's store.
   */
  secrets: SecretStoreSpecSchema.optional(),
  /**
   * The default data folder, when the engine runs on another one chosen in the Settings
   * panel: its database keeps that choice (it is read there at start), so the panel reads and
   * changes the data folder there. Absent: the engine's own folder keeps it.
   */
  dataDirHome: z.string().min(1).optional(),
});

/** What an engine host needs to wire the kernel. */
export type EngineHostConfig = z.infer<typeof EngineHostConfigSchema>;

import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './paths.ts';

/** A `hyperdesk` CLI process started the way a user starts it. */
export interface CliProcess {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
}

/** Runs `bin/hyperdesk.js` with this test's Node (the pinned one). */
export function runHyperdesk(args: string[], env: NodeJS.ProcessEnv = {}): CliProcess {
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'hyperdesk.js'), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Runs `hyperdesk args…` to the end: exit code, standard output and standard error. */
export async function hyperdesk(...args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  const proc = runHyperdesk(args, { HYPERDESK_LOG_LEVEL: 'error' });
  const code = await proc.exited;
  return { code, out: proc.stdout(), err: proc.stderr() };
}

/** Starts `hyperdesk serve` on a free port and resolves with its URL once it listens. */
export async function startServeProcess(
  dataDir: string,
  env: NodeJS.ProcessEnv = {},
): Promise<CliProcess & { url: string; stop(): Promise<void> }> {
  const proc = runHyperdesk(['serve', '--port', '0', '--data-dir', dataDir], { HYPERDESK_LOG_LEVEL: 'warn', ...env });
  const deadline = Date.now() + 30_000;
  let url: string | undefined;
  while (!url) {
    url = /running at (http:\/\/\S+)/.exec(proc.stdout())?.[1];
    if (proc.child.exitCode !== null) throw new Error(`hyperdesk serve exited: ${proc.stderr()}`);
    if (Date.now() > deadline) throw new Error(`hyperdesk serve did not start: ${proc.stderr()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  return {
    ...proc,
    url,
    async stop() {
      proc.child.kill('SIGTERM');
      await proc.exited;
    },
  };
}

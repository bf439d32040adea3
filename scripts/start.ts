/**
 * `npm start`: builds the app and opens the desktop window. Where Electron cannot run (its
 * binary cannot be downloaded offline, no display, a sandbox without the libraries it needs),
 * it says so in one line and serves the same UI in web mode instead.
 *
 *   HYPERDESK_WEB=1 npm start          skip Electron and start web mode directly
 *   HYPERDESK_SKIP_BUILD=1 npm start   use the existing build in out/
 *   npm start -- --port 9000           options after -- go to web mode's `hyperdesk serve`
 */
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runCli } from '../src/server/cli/program.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
// Electron that dies this soon after launch never got a window up.
const EARLY_EXIT_MS = 5_000;

function build(): void {
  process.stdout.write('Building HyperDesk…\n');
  const result = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  if (result.status !== 0) {
    process.stderr.write('The build failed (see above); fix it and run npm start again.\n');
    process.exit(result.status ?? 1);
  }
}

/** The Electron binary, resolved (and downloaded on first use) in a child so its noise stays out. */
function electronBinary(): { path: string } | { reason: string } {
  const result = spawnSync(process.execPath, ['-e', "process.stdout.write(require('electron'))"], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (result.status === 0 && result.stdout) return { path: result.stdout };
  const offline = /fetch failed|ENOTFOUND|EAI_AGAIN|ECONNREFUSED/.test(result.stderr + result.stdout);
  return {
    reason: offline ? 'its binary cannot be downloaded, this machine is offline' : 'its binary is not installed',
  };
}

async function webMode(reason: string): Promise<void> {
  process.stdout.write(`Electron is not available (${reason}); starting HyperDesk in web mode instead.\n`);
  process.exitCode = await runCli(['serve', ...process.argv.slice(2)], {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
  });
}

async function main(): Promise<void> {
  if (process.env.HYPERDESK_SKIP_BUILD !== '1') build();
  if (process.env.HYPERDESK_WEB === '1') {
    await webMode('HYPERDESK_WEB=1');
    return;
  }
  const binary = electronBinary();
  if ('reason' in binary) {
    await webMode(binary.reason);
    return;
  }
  const started = Date.now();
  const child = spawn(binary.path, ['.'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    process.stderr.write(chunk);
  });
  const outcome = await new Promise<{ code: number | null; missing?: boolean }>((resolve) => {
    child.once('error', (error: NodeJS.ErrnoException) => resolve({ code: null, missing: error.code === 'ENOENT' }));
    child.once('exit', (exitCode) => resolve({ code: exitCode }));
  });
  const { code } = outcome;
  if (code !== 0 && Date.now() - started < EARLY_EXIT_MS) {
    const reason = outcome.missing
      ? 'its binary is missing'
      : /display|ozone|X server/i.test(stderr)
        ? 'there is no display to open a window on'
        : `it exited at start with code ${String(code)}`;
    await webMode(reason);
    return;
  }
  process.exitCode = code ?? 0;
}

await main();

import { spawn } from 'node:child_process';
import { basename } from 'node:path';
import { ConfigurationError, TransportError, ValidationError } from '../../../shared/contract/errors.ts';

/** How a media tool run ended. */
export interface ToolRun {
  /** Exit code; null when the process was ended by a signal. */
  readonly code: number | null;
  /** Everything written to stdout, unless {@link RunToolOptions.onStdout} took it. */
  readonly stdout: Buffer;
  /** The end of stderr, with every path named in {@link RunToolOptions.paths} cut to its base name. */
  readonly stderr: string;
}

/** Options of {@link runTool}. */
export interface RunToolOptions {
  /** What is being done, for error messages ("ffmpeg reading x.mp4"); never a full path. */
  readonly what: string;
  /** Longest the whole run may take. */
  readonly timeoutMs: number;
  /** Longest the tool may go without writing anything; a long decode is fine while it makes progress. */
  readonly idleTimeoutMs?: number;
  readonly signal?: AbortSignal;
  /** Receives stdout as it arrives (then not kept in {@link ToolRun.stdout}). */
  readonly onStdout?: (chunk: Buffer) => void;
  /** Most stdout kept in memory when {@link onStdout} is not given. */
  readonly maxStdoutBytes?: number;
  /** Paths that may appear in the tool's messages; they are reduced to base names. */
  readonly paths?: readonly string[];
}

/** What to tell a trader whose machine has no ffmpeg. */
export const FFMPEG_INSTALL_HINT =
  'install ffmpeg (apt-get install ffmpeg, brew install ffmpeg, or winget install ffmpeg) or set HYPERDESK_FFMPEG';

const STDERR_KEPT = 8192;
const DEFAULT_MAX_STDOUT = 64 * 1024 * 1024;

/**
 * Replaces each of `paths` in `text` by its base name: tools echo their arguments in errors,
 * and messages must never show where the trader keeps files.
 */
export function scrubPaths(text: string, paths: readonly string[]): string {
  // Longest first, so a folder does not eat the start of a file inside it.
  return [...paths]
    .filter((path) => path.length > 0)
    .sort((a, b) => b.length - a.length)
    .reduce((out, path) => out.split(path).join(basename(path)), text);
}

/**
 * Runs a media tool with an argument array (never through a shell, so names with spaces or
 * quotes are safe) and a timeout. Resolves with the exit code whatever it is; callers know what
 * a failure means for them. Rejects only when the tool cannot start (ConfigurationError), runs
 * too long (TransportError TIMEOUT), writes too much, `onStdout` throws, or `signal` aborts.
 */
export function runTool(executable: string, args: readonly string[], options: RunToolOptions): Promise<ToolRun> {
  const tool = basename(executable);
  const maxStdout = options.maxStdoutBytes ?? DEFAULT_MAX_STDOUT;
  return new Promise<ToolRun>((resolve, reject) => {
    options.signal?.throwIfAborted();
    const child = spawn(executable, args, { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    const stdout: Buffer[] = [];
    let stdoutBytes = 0;
    let stderr = '';
    let failure: Error | null = null;

    const stop = (error: Error) => {
      if (failure) return;
      failure = error;
      child.kill('SIGKILL');
    };
    const overall = setTimeout(
      () => stop(new TransportError(`${options.what} took longer than ${seconds(options.timeoutMs)}`, 'TIMEOUT')),
      options.timeoutMs,
    );
    let idle: NodeJS.Timeout | undefined;
    const touch = () => {
      if (options.idleTimeoutMs === undefined) return;
      clearTimeout(idle);
      idle = setTimeout(
        () =>
          stop(
            new TransportError(
              `${options.what} stopped making progress (nothing for ${seconds(options.idleTimeoutMs ?? 0)})`,
              'TIMEOUT',
            ),
          ),
        options.idleTimeoutMs,
      );
    };
    touch();
    const onAbort = () => stop(options.signal?.reason instanceof Error ? options.signal.reason : new Error('aborted'));
    options.signal?.addEventListener('abort', onAbort, { once: true });

    child.stdout.on('data', (chunk: Buffer) => {
      touch();
      if (failure) return;
      if (options.onStdout) {
        try {
          options.onStdout(chunk);
        } catch (error) {
          stop(error instanceof Error ? error : new Error(String(error)));
        }
        return;
      }
      stdoutBytes += chunk.length;
      if (stdoutBytes > maxStdout) {
        stop(new ValidationError(`${options.what} produced more than ${Math.round(maxStdout / 1048576)} MB`));
        return;
      }
      stdout.push(chunk);
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      touch();
      stderr = (stderr + text).slice(-STDERR_KEPT);
    });

    const finish = () => {
      clearTimeout(overall);
      clearTimeout(idle);
      options.signal?.removeEventListener('abort', onAbort);
    };
    child.on('error', (error: NodeJS.ErrnoException) => {
      finish();
      reject(
        failure ??
          new ConfigurationError(
            `${tool} could not be started (${error.code ?? error.message}); ${FFMPEG_INSTALL_HINT}`,
          ),
      );
    });
    child.on('close', (code) => {
      finish();
      if (failure) {
        reject(failure);
        return;
      }
      resolve({ code, stdout: Buffer.concat(stdout), stderr: scrubPaths(stderr, options.paths ?? []) });
    });
  });
}

/**
 * The last non-empty line of a tool's stderr (where ffmpeg puts the reason), without the
 * "name: " it puts before a message about one of its inputs.
 */
export function lastErrorLine(stderr: string, fileName?: string): string {
  const lines = stderr
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
  const last = lines.at(-1) ?? 'no message';
  const prefix = fileName === undefined ? null : `${fileName}: `;
  return (prefix !== null && last.startsWith(prefix) ? last.slice(prefix.length) : last).slice(0, 300);
}

function seconds(ms: number): string {
  return `${Math.round(ms / 1000)} s`;
}

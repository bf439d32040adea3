import { Command, CommanderError } from 'commander';
import { redactSecrets } from '../../adapters/secrets/secret-redactor.ts';
import { HyperdeskError } from '../../shared/contract/errors.ts';
import { VERSION } from '../version.ts';
import { registerBacktest } from './commands/backtest-command.ts';
import { registerData } from './commands/data-command.ts';
import { registerDb } from './commands/db-command.ts';
import { registerDetect } from './commands/detect-command.ts';
import { registerHl } from './commands/hl-command.ts';
import { registerHlSim } from './commands/hl-sim-command.ts';
import { registerKb } from './commands/kb-command.ts';
import { registerKeys } from './commands/keys-command.ts';
import { registerLearn } from './commands/learn-command.ts';
import { registerKill, registerResume } from './commands/kill-command.ts';
import { registerOrders } from './commands/orders-command.ts';
import { registerTrade } from './commands/trade-command.ts';
import { registerServe } from './commands/serve-command.ts';
import { registerSweep } from './commands/sweep-command.ts';
import { registerToken } from './commands/token-command.ts';
import { registerWalkForward } from './commands/walkforward-command.ts';

/** Where a command writes; tests capture it. */
export interface CliIo {
  /** Writes to standard output; false means "buffer full", see `drain`. */
  readonly out: (text: string) => boolean | void;
  readonly err: (text: string) => void;
  /** Resolves when standard output can take more (large outputs wait for it). */
  readonly drain?: () => Promise<void>;
}

/** A subcommand module: adds itself to the program. */
export type RegisterCommand = (program: Command, io: CliIo) => void;

const COMMANDS: readonly RegisterCommand[] = [
  registerServe,
  registerData,
  registerDetect,
  registerBacktest,
  registerSweep,
  registerWalkForward,
  registerHl,
  registerHlSim,
  registerTrade,
  registerOrders,
  registerKill,
  registerResume,
  registerKeys,
  registerLearn,
  registerKb,
  registerDb,
  registerToken,
];

/** Builds the `hyperdesk` command tree. Each subcommand lives in its own module. */
export function buildProgram(io: CliIo): Command {
  const program = new Command('hyperdesk')
    .description('HyperDesk: a trading workstation for Hyperliquid perpetuals')
    .version(VERSION, '-v, --version', 'print the version')
    .showHelpAfterError()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .exitOverride();
  for (const register of COMMANDS) register(program, io);
  return program;
}

/**
 * Runs the CLI and returns the exit code. Expected errors print one clear line; only
 * unexpected ones print a stack.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    if (error instanceof HyperdeskError) {
      io.err(`hyperdesk: ${redactSecrets(error.message)}\n`);
      return 1;
    }
    io.err(`hyperdesk: unexpected error: ${redactSecrets((error as Error).stack ?? String(error))}\n`);
    return 70;
  }
}

import type { Command } from 'commander';
import type { CliIo } from '../program.ts';
import { registerHlSign } from './hl/sign-command.ts';

/** `hyperdesk hl …`: Hyperliquid debugging aids. */
export function registerHl(program: Command, io: CliIo): void {
  const hl = program.command('hl').description('Hyperliquid debugging aids (signing)');
  registerHlSign(hl, io);
}

import type { Command } from 'commander';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { HlSigner } from '../../../adapters/hyperliquid/hl-signer.ts';
import { openSecretStore } from '../../../adapters/secrets/open-secret-store.ts';
import { SecretNameSchema, type SecretName } from '../../../adapters/secrets/secret-store.ts';
import { ValidationError } from '../../../shared/contract/errors.ts';
import { parseOrThrow } from '../../../shared/contract/validation.ts';
import type { CliIo } from '../program.ts';

/** Reads one line from stdin without echoing it on a terminal (a key must not stay on screen). */
async function readSecretLine(prompt: (text: string) => void): Promise<string> {
  const tty = process.stdin.isTTY === true;
  if (tty) prompt('paste the value and press Enter (it is not shown): ');
  const silent = new Writable({ write: (_chunk, _encoding, done) => done() });
  const rl = createInterface({ input: process.stdin, output: silent, terminal: tty });
  try {
    for await (const line of rl) return line.trim();
    return '';
  } finally {
    rl.close();
    if (tty) prompt('\n');
  }
}

/** `hyperdesk keys`: the signing and Claude keys in the OS keychain (or another store). */
export function registerKeys(program: Command, io: CliIo): void {
  const keys = program
    .command('keys')
    .description('keys in the OS keychain: set, delete, status (values are never shown)');
  const store = (opts: { secrets: string }) => openSecretStore(opts.secrets);
  keys
    .command('set <name>')
    .description('store a key read from stdin: signing-key (an agent key is recommended) or anthropic-api-key')
    .option('--secrets <store>', 'keychain (default), env or file:<dir>', 'keychain')
    .action(async (name: string, opts: { secrets: string }) => {
      const secret: SecretName = parseOrThrow(SecretNameSchema, name, 'key name');
      const value = await readSecretLine(io.err);
      if (!value) throw new ValidationError('no value was given on stdin');
      // A signing key is checked before it is kept; the address it signs as is public.
      const address = secret === 'signing-key' ? new HlSigner(value, true).address : null;
      await store(opts).set(secret, value);
      io.out(`${secret} stored in ${store(opts).describe}${address ? `; it signs as ${address}` : ''}\n`);
    });
  keys
    .command('delete <name>')
    .description('remove a stored key')
    .option('--secrets <store>', 'keychain (default), env or file:<dir>', 'keychain')
    .action(async (name: string, opts: { secrets: string }) => {
      const secret: SecretName = parseOrThrow(SecretNameSchema, name, 'key name');
      io.out((await store(opts).delete(secret)) ? `${secret} deleted\n` : `no ${secret} was stored\n`);
    });
  keys
    .command('status')
    .description('which keys are present (never their values)')
    .option('--secrets <store>', 'keychain (default), env or file:<dir>', 'keychain')
    .action(async (opts: { secrets: string }) => {
      const where = store(opts);
      for (const name of SecretNameSchema.options) {
        const value = await where.get(name);
        const detail = value && name === 'signing-key' ? `, signs as ${new HlSigner(value, true).address}` : '';
        io.out(`${name}: ${value ? `present${detail}` : 'absent'} (${where.describe})\n`);
      }
    });
}

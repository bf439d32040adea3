import type { Command } from 'commander';
import { generateToken, hashToken } from '../../auth/api-tokens.ts';
import { ApiTokenSchema } from '../../auth/auth-config.ts';
import { parseOrThrow } from '../../../shared/contract/validation.ts';
import type { CliIo } from '../program.ts';

/**
 * `hyperdesk token create`: a new API token for `hyperdesk serve`. The token is printed once
 * and never stored; the configuration keeps only its SHA-256.
 */
export function registerToken(program: Command, io: CliIo): void {
  const token = program.command('token').description('API tokens for hyperdesk serve');
  token
    .command('create')
    .description('print a new random token once, and the config entry (its SHA-256) to add under auth.tokens')
    .requiredOption('--role <role>', 'viewer (read only), trader (also trades and runs jobs) or admin (everything)')
    .requiredOption('--name <name>', 'who holds the token, shown in logs (letters, digits, . _ @ -)')
    .action((opts: { role: string; name: string }) => {
      const value = generateToken();
      const entry = parseOrThrow(
        ApiTokenSchema,
        { name: opts.name, role: opts.role, sha256: hashToken(value) },
        'token',
      );
      io.out(
        `token (shown once; give it to ${entry.name} and keep it secret):\n  ${value}\n\n` +
          `add to the server config under auth.tokens:\n` +
          `  - { name: ${JSON.stringify(entry.name)}, role: ${entry.role}, sha256: ${JSON.stringify(entry.sha256)} }\n`,
      );
    });
}

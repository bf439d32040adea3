import type { Command } from 'commander';
import { z } from 'zod';
import { parseJsonFile, readSmallFile } from '../../../../adapters/files/read-small-file.ts';
import { HlSigner } from '../../../../adapters/hyperliquid/hl-signer.ts';
import { ConfigurationError, ValidationError } from '../../../../shared/contract/errors.ts';
import { parseOrThrow } from '../../../../shared/contract/validation.ts';
import { AddressSchema } from '../../../../shared/values/address.ts';
import { EnvSecretStore } from '../../../../adapters/secrets/env-secret-store.ts';
import type { CliIo } from '../../program.ts';

/** Where `hl sign` takes its key from: never an argument (it would land in the shell history). */
export const SIGNING_KEY_ENV = 'HYPERDESK_SIGNING_KEY';

const IntegerSchema = z.coerce.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

/**
 * `hyperdesk hl sign`: signs an L1 action file exactly as written (key order and strings
 * kept, nothing re-formatted) and prints the signature, for comparing with another SDK when
 * the venue refuses a signature.
 */
export function registerHlSign(hl: Command, io: CliIo): void {
  hl.command('sign')
    .description(`sign an L1 action exactly as given; the key is read from ${SIGNING_KEY_ENV}`)
    .requiredOption('--action-file <json>', 'the action, e.g. {"type":"order","orders":[…],"grouping":"na"}')
    .requiredOption('--nonce <n>', 'the nonce (ms)')
    .option('--vault <address>', 'vault or sub-account address')
    .option('--expires-after <ms>', 'expiry of the action, unix ms')
    .option('--testnet', 'sign for testnet (source "b")', false)
    .action(
      async (opts: { actionFile: string; nonce: string; vault?: string; expiresAfter?: string; testnet: boolean }) => {
        const key = await new EnvSecretStore().get('signing-key');
        if (!key) throw new ConfigurationError(`set ${SIGNING_KEY_ENV} to the private key to sign with`);
        const action = parseJsonFile(
          await readSmallFile(opts.actionFile, 'action file', 1 << 20),
          opts.actionFile,
          'action file',
        );
        if (typeof action !== 'object' || action === null || Array.isArray(action)) {
          throw new ValidationError('action file: the action must be a JSON object');
        }
        const signer = new HlSigner(key, opts.testnet);
        const signature = await signer.signL1(
          action as Record<string, unknown>,
          parseOrThrow(IntegerSchema, opts.nonce, '--nonce'),
          {
            vaultAddress:
              opts.vault === undefined
                ? undefined
                : (parseOrThrow(AddressSchema, opts.vault, '--vault').toLowerCase() as `0x${string}`),
            expiresAfter:
              opts.expiresAfter === undefined
                ? undefined
                : parseOrThrow(IntegerSchema, opts.expiresAfter, '--expires-after'),
          },
        );
        io.out(`${JSON.stringify({ r: signature.r, s: signature.s, v: signature.v })}\n`);
      },
    );
}

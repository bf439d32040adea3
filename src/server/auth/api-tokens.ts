import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ApiRole, ApiToken } from './auth-config.ts';

/** Who is calling: the configured token's name and role (never the token). */
export interface Principal {
  readonly name: string;
  readonly role: ApiRole;
}

/** Prefix of generated tokens, so a leaked one is recognisable in a secret scanner. */
const TOKEN_PREFIX = 'hdk_';
// Anything longer is not one of ours; refusing it early bounds the hashing work per request.
const MAX_TOKEN_LENGTH = 512;

/** The SHA-256 hex digest of a token, as the configuration stores it. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A new random token: 256 bits from the OS CSPRNG, base64url, with a recognisable prefix. */
export function generateToken(): string {
  return `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/**
 * Checks presented tokens against the configured SHA-256 digests. The comparison runs in
 * constant time over every configured entry, so neither which entry matched nor how much of
 * a digest matched shows in the response time.
 */
export class TokenVerifier {
  private readonly entries: readonly { readonly digest: Buffer; readonly principal: Principal }[];

  constructor(tokens: readonly ApiToken[]) {
    this.entries = tokens.map((t) => ({
      digest: Buffer.from(t.sha256, 'hex'),
      principal: { name: t.name, role: t.role },
    }));
  }

  /** True when tokens are configured, i.e. the API requires authentication. */
  get enabled(): boolean {
    return this.entries.length > 0;
  }

  /** The principal of a presented token, or null when it matches none. */
  verify(token: string): Principal | null {
    if (token.length === 0 || token.length > MAX_TOKEN_LENGTH) return null;
    const digest = createHash('sha256').update(token, 'utf8').digest();
    let found: Principal | null = null;
    for (const entry of this.entries) {
      // No early exit: every entry is compared whatever matched before.
      if (timingSafeEqual(digest, entry.digest)) found = entry.principal;
    }
    return found;
  }
}

/** The token of an `Authorization: Bearer <token>` header; undefined without one, null when malformed. */
export function bearerToken(header: string | undefined): string | null | undefined {
  if (header === undefined) return undefined;
  const match = /^Bearer[ ]+([\x21-\x7e]+)[ ]*$/i.exec(header);
  return match?.[1] ?? null;
}

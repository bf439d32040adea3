import { z } from 'zod';

/** What a bearer token may do: read, trade, or also change settings and keys. */
export const ApiRoleSchema = z.enum(['viewer', 'trader', 'admin']);

/** See {@link ApiRoleSchema}. */
export type ApiRole = z.infer<typeof ApiRoleSchema>;

/** One API token as configured: who holds it, its role, and the SHA-256 hex of the token. */
export const ApiTokenSchema = z
  .object({
    /** Who holds the token, for logs and rate limits (never the token itself). */
    name: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z0-9._@-]+$/, 'must be letters, digits, . _ @ or -'),
    role: ApiRoleSchema,
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/, 'must be the SHA-256 hex digest of the token (hyperdesk token create prints it)'),
  })
  .strict();

/** See {@link ApiTokenSchema}. */
export type ApiToken = z.infer<typeof ApiTokenSchema>;

/** An origin exactly as browsers send it: scheme, host and optional port, nothing else. */
const OriginSchema = z.string().refine((text) => {
  try {
    const url = new URL(text);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === text;
  } catch {
    return false;
  }
}, 'must be an origin like https://desk.example.com (scheme, host and port only, no path or trailing slash)');

/**
 * API access of `hyperdesk serve`. Tokens are stored hashed (SHA-256 hex of the token), never
 * in clear; `tokens` empty means no authentication, which is only allowed on loopback.
 */
export const AuthConfigSchema = z
  .object({
    tokens: z
      .array(ApiTokenSchema)
      .default([])
      .superRefine((tokens, ctx) => {
        const names = new Set<string>();
        const hashes = new Set<string>();
        tokens.forEach((token, index) => {
          if (names.has(token.name)) ctx.addIssue({ code: 'custom', path: [index, 'name'], message: 'is used twice' });
          if (hashes.has(token.sha256))
            ctx.addIssue({ code: 'custom', path: [index, 'sha256'], message: 'is the same token as another entry' });
          names.add(token.name);
          hashes.add(token.sha256);
        });
      }),
    /**
     * Requests per second per client (token name, else remote address), with bursts up to
     * `burst`. WebSocket messages count like HTTP requests.
     */
    rateLimit: z
      .object({ perSecond: z.number().positive().default(50), burst: z.number().int().positive().default(100) })
      .strict()
      .default({ perSecond: 50, burst: 100 }),
    /** Origins allowed to call the API from other sites; none (CORS off) by default. */
    corsOrigins: z.array(OriginSchema).default([]),
    /** How long a browser sign-in (session cookie) lasts before the token must be entered again. */
    sessionHours: z.number().positive().max(720).default(12),
  })
  .strict();

/** See {@link AuthConfigSchema}. */
export type AuthConfig = z.infer<typeof AuthConfigSchema>;

/** See {@link AuthConfigSchema}: the configuration as written (defaults not yet applied). */
export type AuthConfigInput = z.input<typeof AuthConfigSchema>;

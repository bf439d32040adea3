import { z } from 'zod';

/** Path of the sign-in endpoint on the serving origin (web mode). */
const SESSION_PATH = '/api/v1/session';

/** The signed-in token's name and role. */
export const PrincipalSchema = z.object({ name: z.string(), role: z.enum(['viewer', 'trader', 'admin']) });
/** See {@link PrincipalSchema}. */
export type Principal = z.infer<typeof PrincipalSchema>;

/** Who this browser is signed in as, and whether the server asks for a sign-in at all. */
export const SessionStatusSchema = z.object({
  authRequired: z.boolean(),
  principal: PrincipalSchema.nullable(),
});
/** See {@link SessionStatusSchema}. */
export type SessionStatus = z.infer<typeof SessionStatusSchema>;

const ErrorBodySchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

/** A sign-in that did not work, with a message to show. */
export class SignInError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SignInError';
  }
}

/** Asks the server whether it needs a sign-in and whether this browser has one. */
export async function fetchSessionStatus(): Promise<SessionStatus> {
  const res = await fetch(SESSION_PATH, { credentials: 'same-origin', cache: 'no-store' });
  if (!res.ok) throw new SignInError(await describeFailure(res));
  return SessionStatusSchema.parse(await res.json());
}

/**
 * Exchanges a token for the HttpOnly session cookie. The token leaves this function only in
 * the request body; it is not stored anywhere in the page.
 */
export async function signIn(token: string): Promise<SessionStatus> {
  const res = await fetch(SESSION_PATH, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token }),
  });
  if (!res.ok) throw new SignInError(await describeFailure(res));
  return SessionStatusSchema.parse(await res.json());
}

/** Ends this browser's session (the server clears the cookie and closes its connections). */
export async function signOut(): Promise<void> {
  await fetch(SESSION_PATH, { method: 'DELETE', credentials: 'same-origin' });
}

async function describeFailure(res: Response): Promise<string> {
  if (res.status === 401) return 'That token is not valid.';
  if (res.status === 429) {
    const wait = res.headers.get('retry-after');
    return `Too many attempts; try again${wait ? ` in ${wait} s` : ' shortly'}.`;
  }
  const body = ErrorBodySchema.safeParse(await res.json().catch(() => null));
  return body.success ? body.data.error.message : `The server answered ${res.status}.`;
}

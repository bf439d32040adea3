import { createHash, randomBytes } from 'node:crypto';
import type { Principal } from './api-tokens.ts';

/** Name of the browser session cookie. */
export const SESSION_COOKIE = 'hyperdesk_session';

interface Session {
  readonly principal: Principal;
  readonly expiresAt: number;
}

/**
 * Browser sign-ins: a token entered once in the UI is exchanged for a random session id held
 * in an HttpOnly cookie, so page scripts never keep the token. Sessions live in memory (a
 * restart signs everyone out) and are keyed by the SHA-256 of their id, so the map holds
 * nothing a client could present.
 */
export class SessionStore {
  private readonly sessions = new Map<string, Session>();
  private readonly ttlMs: number;
  private readonly now: () => number;
  private readonly maxSessions: number;
  private readonly maxPerPrincipal: number;

  constructor(options: {
    readonly ttlMs: number;
    readonly now?: () => number;
    readonly maxSessions?: number;
    /** Sign-ins one token may hold at once; its oldest ends past this. */
    readonly maxPerPrincipal?: number;
  }) {
    this.ttlMs = options.ttlMs;
    this.now = options.now ?? Date.now;
    this.maxSessions = options.maxSessions ?? 10_000;
    this.maxPerPrincipal = options.maxPerPrincipal ?? 32;
  }

  /** Opens a session; returns its id, to go in the cookie only. */
  create(principal: Principal): string {
    this.sweep();
    // One token's sign-ins are capped on their own first: otherwise any holder of any token
    // (a viewer) could sign in over and over and, through the global cap below, push every
    // other operator's session (an admin's included) out.
    const own = [...this.sessions].filter(([, s]) => s.principal.name === principal.name);
    for (const [key] of own.slice(0, Math.max(0, own.length - this.maxPerPrincipal + 1))) this.sessions.delete(key);
    // Past the cap, the oldest sign-in ends rather than memory growing.
    while (this.sessions.size >= this.maxSessions) {
      const oldest = this.sessions.keys().next();
      if (oldest.done) break;
      this.sessions.delete(oldest.value);
    }
    const id = randomBytes(32).toString('base64url');
    this.sessions.set(digest(id), { principal, expiresAt: this.now() + this.ttlMs });
    return id;
  }

  /** The principal of a live session, or null (unknown or expired). */
  get(id: string): Principal | null {
    if (id.length === 0 || id.length > 128) return null;
    const key = digest(id);
    const session = this.sessions.get(key);
    if (!session) return null;
    if (session.expiresAt <= this.now()) {
      this.sessions.delete(key);
      return null;
    }
    return session.principal;
  }

  /** Ends a session (sign-out). */
  delete(id: string): void {
    this.sessions.delete(digest(id));
  }

  private sweep(): void {
    const t = this.now();
    for (const [key, session] of this.sessions) if (session.expiresAt <= t) this.sessions.delete(key);
  }
}

function digest(id: string): string {
  return createHash('sha256').update(id, 'utf8').digest('hex');
}

/** The value of cookie `name` in a Cookie header, or undefined. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

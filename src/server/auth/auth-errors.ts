import { HyperdeskError } from '../../shared/contract/errors.ts';

/** No credentials, or credentials that match no configured token or live session. */
export class UnauthorizedError extends HyperdeskError {
  constructor(message = 'authentication required: send "Authorization: Bearer <token>" or sign in') {
    super('UnauthorizedError', 'UNAUTHORIZED', message);
  }
}

/** Authenticated, but the token's role may not do this. The message names the role needed. */
export class ForbiddenError extends HyperdeskError {
  constructor(message: string) {
    super('ForbiddenError', 'FORBIDDEN', message);
  }
}

/** The client sent more than its rate allows; it may retry after `retryAfterSeconds`. */
export class RateLimitedError extends HyperdeskError {
  readonly retryAfterSeconds: number;

  constructor(retryAfterSeconds: number) {
    super('RateLimitedError', 'RATE_LIMITED', `rate limit exceeded; retry in ${retryAfterSeconds} s`);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

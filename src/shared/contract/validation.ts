import type { z } from 'zod';
import { ValidationError } from './errors.ts';

/**
 * Formats zod issues as `field.path: reason; ...` so that an error always names the field
 * that was wrong, prefixed by what was being parsed (a command, a config file...).
 */
export function describeIssues(context: string, error: z.ZodError): string {
  const parts = error.issues.map((issue) => {
    const path = issue.path.length > 0 ? issue.path.map(String).join('.') : '(root)';
    return `${path}: ${issue.message}`;
  });
  return `${context}: ${parts.join('; ')}`;
}

/**
 * Parses `value` with `schema`, throwing a {@link ValidationError} that names each bad field.
 * Use at every boundary where `unknown` comes in.
 */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, context: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ValidationError(describeIssues(context, result.error));
  return result.data;
}

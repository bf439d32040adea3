import { z } from 'zod';

/** Order or trade direction. */
export const SideSchema = z.enum(['buy', 'sell']);

/** Order or trade direction. */
export type Side = z.infer<typeof SideSchema>;

/** The other side. */
export function oppositeSide(side: Side): Side {
  return side === 'buy' ? 'sell' : 'buy';
}

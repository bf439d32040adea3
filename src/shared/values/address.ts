import { z } from 'zod';

/** An account or agent address: 0x + 40 hex digits. */
export const AddressSchema = z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'must be a 0x address of 40 hex digits');

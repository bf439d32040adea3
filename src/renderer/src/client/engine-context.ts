import { createContext, useContext } from 'react';
import type { EngineClient } from '../../../shared/client/engine-client.ts';

/** The engine client of this window. */
export const EngineClientContext = createContext<EngineClient | null>(null);

/** The engine client; throws when used outside the provider (a wiring bug). */
export function useEngineClient(): EngineClient {
  const client = useContext(EngineClientContext);
  if (!client) throw new Error('useEngineClient needs an EngineClientContext provider');
  return client;
}

import { ConfigurationError } from '../../shared/contract/errors.ts';

/** Which Hyperliquid to talk to. */
export type HlNetwork = 'mainnet' | 'testnet';

/** Hyperliquid's own API and WebSocket URLs per network. */
export const HL_ENDPOINTS: Readonly<Record<HlNetwork, { api: string; ws: string }>> = {
  mainnet: { api: 'https://api.hyperliquid.xyz', ws: 'wss://api.hyperliquid.xyz/ws' },
  testnet: { api: 'https://api.hyperliquid-testnet.xyz', ws: 'wss://api.hyperliquid-testnet.xyz/ws' },
};

/** Resolved endpoints. */
export interface HlEndpoints {
  readonly apiUrl: string;
  readonly wsUrl: string;
  readonly isTestnet: boolean;
}

/**
 * The endpoints for an explicit choice: a network by name, or an API URL (a local hl-sim, a
 * proxy). Real venues are never the silent default; the caller must say which one.
 */
export function resolveEndpoints(choice: {
  network?: HlNetwork | undefined;
  apiUrl?: string | undefined;
}): HlEndpoints {
  if (choice.apiUrl) {
    let url: URL;
    try {
      url = new URL(choice.apiUrl);
    } catch {
      throw new ConfigurationError(`--api-url: "${choice.apiUrl}" is not a URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new ConfigurationError('--api-url must be an http(s) URL');
    }
    const ws = new URL('ws', `${url.toString().replace(/\/$/, '')}/`);
    ws.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    return { apiUrl: url.toString().replace(/\/$/, ''), wsUrl: ws.toString(), isTestnet: choice.network === 'testnet' };
  }
  if (!choice.network) {
    throw new ConfigurationError('choose the venue: --network mainnet, --network testnet, or --api-url URL');
  }
  const urls = HL_ENDPOINTS[choice.network];
  return { apiUrl: urls.api, wsUrl: urls.ws, isTestnet: choice.network === 'testnet' };
}

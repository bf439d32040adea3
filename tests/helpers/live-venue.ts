import { HlExchangeClient } from '../../src/adapters/hyperliquid/hl-exchange-client.ts';
import { resolveEndpoints } from '../../src/adapters/hyperliquid/hl-endpoints.ts';
import { HlExecution } from '../../src/adapters/hyperliquid/hl-execution.ts';
import { HlSigner } from '../../src/adapters/hyperliquid/hl-signer.ts';
import { NonceManager } from '../../src/adapters/hyperliquid/nonce-manager.ts';
import type { SimExchange } from '../../src/adapters/hl-sim/exchange/sim-exchange.ts';

/** A funded account on hl-sim and its key (test keys: never used anywhere else). */
export const TEST_KEY = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d';

/** An execution client for `TEST_KEY`'s account on the hl-sim at `url`. */
export async function simExecution(url: string, now: () => number, options: { timeoutMs?: number } = {}) {
  const signer = new HlSigner(TEST_KEY, true);
  const endpoints = resolveEndpoints({ apiUrl: url, network: 'testnet' });
  const client = new HlExchangeClient({
    endpoints,
    signer,
    nonces: new NonceManager(now),
    retry: { baseDelayMs: 5, maxDelayMs: 50, attempts: 4 },
    timeoutMs: options.timeoutMs,
  });
  const execution = new HlExecution({ client, endpoints, account: signer.address, reconnectBaseMs: 20 });
  await execution.init();
  return { signer, client, execution };
}

/** Funds the test account on `exchange`. */
export function fundTestAccount(exchange: SimExchange, usdc: number): string {
  const address = new HlSigner(TEST_KEY, true).address;
  exchange.fund(address, usdc);
  return address;
}

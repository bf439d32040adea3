import { signL1Action, signUserSignedAction } from '@nktkas/hyperliquid/signing';
import { privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts';
import { ConfigurationError } from '../../shared/contract/errors.ts';

/** An ECDSA signature as the /exchange body carries it. */
export interface HlSignature {
  readonly r: `0x${string}`;
  readonly s: `0x${string}`;
  readonly v: number;
}

/** Options of an L1 signature. */
export interface L1Options {
  readonly vaultAddress?: `0x${string}`;
  readonly expiresAfter?: number;
}

const KEY = /^0x[0-9a-fA-F]{64}$/;

/**
 * Signs Hyperliquid actions with one key (an agent key, preferably, or the master key). The
 * key stays inside this object: it is never logged, printed or put into an error message.
 * `isTestnet` picks the signing network (L1 source "b", `hyperliquidChain` "Testnet").
 */
export class HlSigner {
  readonly address: `0x${string}`;
  readonly isTestnet: boolean;
  private readonly account: PrivateKeyAccount;

  constructor(privateKey: string, isTestnet: boolean) {
    const key = privateKey.trim();
    // The message must not echo the value: it is a secret, even when malformed.
    if (!KEY.test(key))
      throw new ConfigurationError('the signing key is not a 32-byte hex private key (0x + 64 hex digits)');
    this.account = privateKeyToAccount(key as `0x${string}`);
    this.address = this.account.address;
    this.isTestnet = isTestnet;
  }

  /**
   * Signs a trading (L1) action exactly as given: the hash commits to its key order, so the
   * caller builds it in the venue's order (see hl-wire.ts).
   */
  signL1(action: Record<string, unknown>, nonce: number, options: L1Options = {}): Promise<HlSignature> {
    return signL1Action({
      wallet: this.account,
      action,
      nonce,
      isTestnet: this.isTestnet,
      vaultAddress: options.vaultAddress,
      expiresAfter: options.expiresAfter,
    }) as Promise<HlSignature>;
  }

  /** Signs a user-signed action (approveAgent, withdraw…) with its EIP-712 field types. */
  signUserSigned(
    action: Record<string, unknown> & { signatureChainId: `0x${string}` },
    types: Record<string, { name: string; type: string }[]>,
  ): Promise<HlSignature> {
    return signUserSignedAction({ wallet: this.account, action, types }) as Promise<HlSignature>;
  }
}

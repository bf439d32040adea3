import { createL1ActionHash, signUserSignedAction } from '@nktkas/hyperliquid/signing';
import { concat, hashDomain, keccak256, parseSignature, stringToHex, type Hex } from 'viem';
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

/*
 * The EIP-712 digest of an L1 action, with everything constant computed once: the venue signs
 * Agent{source, connectionId} in the "Exchange" domain (chain 1337, zero contract). Building it
 * by hand costs two keccaks instead of the ~100 µs of a generic typed-data encoder, on the
 * path of every order. The official signing vectors pin it.
 */
const DOMAIN_SEPARATOR = hashDomain({
  domain: {
    name: 'Exchange',
    version: '1',
    chainId: 1337n,
    verifyingContract: '0x0000000000000000000000000000000000000000',
  },
  types: {
    EIP712Domain: [
      { name: 'name', type: 'string' },
      { name: 'version', type: 'string' },
      { name: 'chainId', type: 'uint256' },
      { name: 'verifyingContract', type: 'address' },
    ],
  },
});
const AGENT_TYPEHASH = keccak256(stringToHex('Agent(string source,bytes32 connectionId)'));
const SOURCE_HASH = { mainnet: keccak256(stringToHex('a')), testnet: keccak256(stringToHex('b')) };

function agentDigest(connectionId: Hex, isTestnet: boolean): Hex {
  const struct = keccak256(
    concat([AGENT_TYPEHASH, isTestnet ? SOURCE_HASH.testnet : SOURCE_HASH.mainnet, connectionId]),
  );
  return keccak256(concat(['0x1901', DOMAIN_SEPARATOR, struct]));
}

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
  async signL1(action: Record<string, unknown>, nonce: number, options: L1Options = {}): Promise<HlSignature> {
    const connectionId = createL1ActionHash({
      action,
      nonce,
      vaultAddress: options.vaultAddress,
      expiresAfter: options.expiresAfter,
    });
    const { r, s, v, yParity } = parseSignature(
      await this.account.sign({ hash: agentDigest(connectionId, this.isTestnet) }),
    );
    return { r, s, v: v === undefined ? 27 + yParity : Number(v) };
  }

  /** Signs a user-signed action (approveAgent, withdraw…) with its EIP-712 field types. */
  signUserSigned(
    action: Record<string, unknown> & { signatureChainId: `0x${string}` },
    types: Record<string, { name: string; type: string }[]>,
  ): Promise<HlSignature> {
    return signUserSignedAction({ wallet: this.account, action, types }) as Promise<HlSignature>;
  }
}

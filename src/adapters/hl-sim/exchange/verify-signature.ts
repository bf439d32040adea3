import { createL1ActionHash } from '@nktkas/hyperliquid/signing';
import { recoverTypedDataAddress } from 'viem';

/** A signature as the /exchange body carries it. */
export interface WireSignature {
  readonly r: `0x${string}`;
  readonly s: `0x${string}`;
  readonly v: number;
}

const ZERO_ADDRESS = '0x0000000000000000000000000000000000000000';

/**
 * The address that signed an L1 (trading) action: the venue rebuilds the action hash
 * (msgpack of the action as sent, nonce, vault, expiry), wraps it in the phantom-agent
 * EIP-712 message and recovers the signer. A wrong signature recovers *some* address, never
 * an error: the caller then finds no such user, exactly as on Hyperliquid.
 */
export async function recoverL1Signer(args: {
  action: Record<string, unknown>;
  nonce: number;
  signature: WireSignature;
  vaultAddress?: `0x${string}`;
  expiresAfter?: number;
  isTestnet: boolean;
}): Promise<`0x${string}`> {
  const connectionId = createL1ActionHash({
    action: args.action,
    nonce: args.nonce,
    vaultAddress: args.vaultAddress,
    expiresAfter: args.expiresAfter,
  });
  const address = await recoverTypedDataAddress({
    domain: { name: 'Exchange', version: '1', chainId: 1337, verifyingContract: ZERO_ADDRESS },
    types: {
      Agent: [
        { name: 'source', type: 'string' },
        { name: 'connectionId', type: 'bytes32' },
      ],
    },
    primaryType: 'Agent',
    message: { source: args.isTestnet ? 'b' : 'a', connectionId },
    signature: { r: args.signature.r, s: args.signature.s, v: BigInt(args.signature.v) },
  });
  return address.toLowerCase() as `0x${string}`;
}

/** EIP-712 fields of the user-signed actions hl-sim understands. */
export const USER_SIGNED_TYPES: Readonly<Record<string, readonly { name: string; type: string }[]>> = {
  approveAgent: [
    { name: 'hyperliquidChain', type: 'string' },
    { name: 'agentAddress', type: 'address' },
    { name: 'agentName', type: 'string' },
    { name: 'nonce', type: 'uint64' },
  ],
};

const PRIMARY: Readonly<Record<string, string>> = { approveAgent: 'HyperliquidTransaction:ApproveAgent' };

/** The address that signed a user-signed action (approveAgent). */
export async function recoverUserSigner(
  action: Record<string, unknown>,
  signature: WireSignature,
): Promise<`0x${string}`> {
  const type = String(action.type);
  const fields = USER_SIGNED_TYPES[type];
  const primary = PRIMARY[type];
  if (!fields || !primary) throw new Error(`user-signed action ${type} is not simulated`);
  const message: Record<string, unknown> = {};
  for (const field of fields)
    message[field.name] = field.type === 'uint64' ? BigInt(action[field.name] as number) : (action[field.name] ?? '');
  const address = await recoverTypedDataAddress({
    domain: {
      name: 'HyperliquidSignTransaction',
      version: '1',
      chainId: Number.parseInt(String(action.signatureChainId), 16),
      verifyingContract: ZERO_ADDRESS,
    },
    types: { [primary]: [...fields] },
    primaryType: primary,
    message,
    signature: { r: signature.r, s: signature.s, v: BigInt(signature.v) },
  });
  return address.toLowerCase() as `0x${string}`;
}

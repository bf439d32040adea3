import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runHyperdesk } from '../../helpers/cli-process.ts';
import { tempDir } from '../../helpers/paths.ts';

const tmp = tempDir();
afterAll(() => tmp.remove());

const KEY = '0x0123456789012345678901234567890123456789012345678901234567890123';

async function sign(args: string[], key: string | undefined) {
  const proc = runHyperdesk(['hl', 'sign', ...args], key === undefined ? {} : { HYPERDESK_SIGNING_KEY: key });
  return { code: await proc.exited, out: proc.stdout(), err: proc.stderr() };
}

describe('hyperdesk hl sign', () => {
  // The action is written with its keys in an unusual but valid order: it is signed as given.
  const action = join(tmp.dir, 'action.json');
  writeFileSync(
    action,
    '{"type":"order","orders":[{"a":1,"b":true,"p":"100","s":"100","r":false,"t":{"trigger":{"isMarket":true,"triggerPx":"103","tpsl":"sl"}}}],"grouping":"na"}',
  );

  it('signs an L1 action file exactly as written (official vector) for mainnet and testnet', async () => {
    const mainnet = await sign(['--action-file', action, '--nonce', '0'], KEY);
    expect(mainnet.code).toBe(0);
    expect(JSON.parse(mainnet.out)).toEqual({
      r: '0x98343f2b5ae8e26bb2587daad3863bc70d8792b09af1841b6fdd530a2065a3f9',
      s: '0x6b5bb6bb0633b710aa22b721dd9dee6d083646a5f8e581a20b545be6c1feb405',
      v: 27,
    });
    const testnet = await sign(['--action-file', action, '--nonce', '0', '--testnet'], KEY);
    expect(JSON.parse(testnet.out)).toMatchObject({
      r: '0x971c554d917c44e0e1b6cc45d8f9404f32172a9d3b3566262347d0302896a2e4',
      v: 28,
    });
  });

  it('reads the key only from the environment and never prints it', async () => {
    const missing = await sign(['--action-file', action, '--nonce', '0'], undefined);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/set HYPERDESK_SIGNING_KEY/);
    const bad = await sign(['--action-file', action, '--nonce', '0'], `${KEY.slice(0, -2)}zz`);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/not a 32-byte hex private key/);
    expect(bad.err + bad.out).not.toContain(KEY.slice(2, 20));
    const ok = await sign(['--action-file', action, '--nonce', '0'], KEY);
    expect(ok.out + ok.err).not.toContain(KEY.slice(2, 20));
  });

  it('refuses bad input clearly', async () => {
    const notJson = join(tmp.dir, 'bad.json');
    writeFileSync(notJson, '{"type":');
    expect((await sign(['--action-file', notJson, '--nonce', '0'], KEY)).err).toMatch(
      /action file bad\.json is not valid JSON/,
    );
    expect((await sign(['--action-file', action, '--nonce', 'soon'], KEY)).err).toMatch(/--nonce: /);
    expect((await sign(['--action-file', action, '--nonce', '1', '--vault', '0x12'], KEY)).err).toMatch(
      /--vault: .*must be a 0x address/,
    );
  });
});

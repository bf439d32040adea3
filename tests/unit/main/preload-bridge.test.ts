import { describe, expect, it } from 'vitest';
import { createBridge, type IpcRendererLike } from '../../../src/preload/create-bridge.ts';

const ipc: IpcRendererLike = {
  invoke: async () => undefined,
  on: () => undefined,
  removeListener: () => undefined,
};

describe('the preload bridge', () => {
  it('tells the page the path of a dropped file, and only through the host’s own lookup', () => {
    const seen: File[] = [];
    const bridge = createBridge(ipc, 'linux', (file) => {
      seen.push(file);
      return `/home/trader/study/${file.name}`;
    });
    const guide = new File(['%PDF-1.4'], 'guide.pdf');
    expect(bridge.pathForFile(guide)).toBe('/home/trader/study/guide.pdf');
    expect(seen).toEqual([guide]);
    expect(Object.isFrozen(bridge)).toBe(true);
  });

  it('answers "" when the host cannot tell (a browser, or a lookup that throws)', () => {
    expect(createBridge(ipc, 'linux').pathForFile(new File([], 'x.pdf'))).toBe('');
    const throwing = createBridge(ipc, 'linux', () => {
      throw new Error('not a dropped file');
    });
    expect(throwing.pathForFile(new File([], 'x.pdf'))).toBe('');
  });
});

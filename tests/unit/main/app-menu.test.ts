import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { buildAppMenuTemplate, HELP_LINKS, openHelpLink } from '../../../src/main/app-menu.ts';

function build(platform: NodeJS.Platform, dev = false) {
  const opened: string[] = [];
  const template = buildAppMenuTemplate({
    platform,
    appName: 'HyperDesk',
    dev,
    openExternal: async (url) => {
      opened.push(url);
    },
  });
  return { template, opened };
}

const items = (menu: MenuItemConstructorOptions | undefined) =>
  (menu?.submenu as MenuItemConstructorOptions[] | undefined) ?? [];
const find = (template: MenuItemConstructorOptions[], label: string) => template.find((m) => m.label === label);
const allItems = (template: MenuItemConstructorOptions[]) => template.flatMap((m) => items(m));
const roles = (menu: MenuItemConstructorOptions | undefined) => items(menu).map((i) => i.role ?? i.label ?? i.type);

describe('application menu', () => {
  it('has File, Edit, View, Window, Help on Windows and Linux', () => {
    for (const platform of ['win32', 'linux'] as const) {
      const { template } = build(platform);
      expect(template.map((m) => m.label)).toEqual(['File', 'Edit', 'View', 'Window', 'Help']);
      expect(items(find(template, 'File')).find((i) => i.role === 'quit')?.accelerator).toBe('Ctrl+Q');
      expect(items(find(template, 'Edit')).find((i) => i.role === 'redo')?.accelerator).toBe('Ctrl+Y');
      expect(roles(find(template, 'Help'))).toContain('about');
    }
  });

  it('puts the app menu first on macOS, with Quit there and the mac window roles', () => {
    const { template } = build('darwin');
    expect(template.map((m) => m.label)).toEqual(['HyperDesk', 'File', 'Edit', 'View', 'Window', 'Help']);
    expect(roles(template[0])).toEqual(
      expect.arrayContaining(['about', 'services', 'hide', 'hideOthers', 'unhide', 'quit']),
    );
    expect(roles(find(template, 'File'))).not.toContain('quit');
    expect(roles(find(template, 'Window'))).toEqual(expect.arrayContaining(['minimize', 'zoom', 'front']));
    expect(items(find(template, 'Edit')).find((i) => i.role === 'redo')?.accelerator).toBe('Shift+Command+Z');
  });

  it('gives every standard action an accelerator', () => {
    for (const platform of ['darwin', 'win32', 'linux'] as const) {
      const { template } = build(platform);
      for (const role of ['undo', 'redo', 'cut', 'copy', 'paste', 'selectAll', 'quit', 'close', 'minimize']) {
        const item = allItems(template).find((i) => i.role === role);
        expect(item?.accelerator, `${platform} ${role}`).toMatch(/\S/);
      }
    }
  });

  it('offers reload and developer tools only in development', () => {
    for (const platform of ['darwin', 'win32', 'linux'] as const) {
      const release = roles(find(build(platform).template, 'View'));
      expect(release).not.toContain('toggleDevTools');
      expect(release).not.toContain('reload');
      expect(release).toEqual(expect.arrayContaining(['resetZoom', 'zoomIn', 'zoomOut', 'togglefullscreen']));
      expect(roles(find(build(platform, true).template, 'View'))).toEqual(
        expect.arrayContaining(['reload', 'toggleDevTools']),
      );
    }
  });

  it('Help opens the documentation in the system browser', () => {
    const { template, opened } = build('linux');
    const docs = items(find(template, 'Help')).find((i) => i.label === 'Hyperliquid Documentation');
    (docs?.click as () => void)();
    expect(opened).toEqual([HELP_LINKS.hyperliquidDocs]);
    for (const url of Object.values(HELP_LINKS)) expect(url).toMatch(/^https:\/\//);
  });

  it('opens only https links externally', () => {
    const opened: string[] = [];
    const open = async (url: string) => {
      opened.push(url);
    };
    expect(openHelpLink('https://hyperliquid.gitbook.io/hyperliquid-docs', open)).toBe(true);
    for (const url of [
      'http://hyperliquid.gitbook.io/hyperliquid-docs',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'smb://host/x',
      '',
    ]) {
      expect(openHelpLink(url, open)).toBe(false);
    }
    expect(opened).toEqual(['https://hyperliquid.gitbook.io/hyperliquid-docs']);
  });

  it('swallows a failing openExternal (no unhandled rejection)', async () => {
    expect(
      openHelpLink('https://hyperliquid.gitbook.io/hyperliquid-docs', () => Promise.reject(new Error('no browser'))),
    ).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 0));
  });
});

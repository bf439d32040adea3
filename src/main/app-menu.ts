import type { MenuItemConstructorOptions } from 'electron';
import { isExternalLinkAllowed } from './security-policy.ts';

/**
 * Pages the Help menu opens in the system browser: the venue's own documentation and the
 * chart library's page (its licence asks for the attribution). HyperDesk's own guides ship in
 * its docs/ folder.
 */
export const HELP_LINKS = {
  hyperliquidDocs: 'https://hyperliquid.gitbook.io/hyperliquid-docs',
  charts: 'https://www.tradingview.com/lightweight-charts/',
} as const;

/** Opens a link in the system browser, https only; returns whether it was opened. */
export function openHelpLink(url: string, openExternal: (url: string) => Promise<void>): boolean {
  if (!isExternalLinkAllowed(url)) return false;
  void openExternal(url).catch(() => undefined);
  return true;
}

/** What the menu needs to know and do; everything Electron-specific is passed in. */
export interface AppMenuOptions {
  readonly platform: NodeJS.Platform;
  readonly appName: string;
  /** Development builds get developer tools and force-reload. */
  readonly dev: boolean;
  /** `shell.openExternal`. */
  readonly openExternal: (url: string) => Promise<void>;
}

/**
 * The application menu (File, Edit, View, Window, Help; on macOS the app menu first), built
 * from the platform alone so it can be tested without Electron. Standard actions use Electron
 * roles, which carry the platform's accelerators and behaviour. Reload and developer tools
 * exist in development only: in a release, reloading would drop the UI's state mid-session and
 * devtools would give anyone at the keyboard a console inside the trading window.
 */
export function buildAppMenuTemplate(options: AppMenuOptions): MenuItemConstructorOptions[] {
  const mac = options.platform === 'darwin';
  const sep: MenuItemConstructorOptions = { type: 'separator' };
  const template: MenuItemConstructorOptions[] = [];

  if (mac) {
    template.push({
      label: options.appName,
      submenu: [
        { role: 'about' },
        sep,
        { role: 'services' },
        sep,
        { role: 'hide', accelerator: 'Command+H' },
        { role: 'hideOthers', accelerator: 'Command+Alt+H' },
        { role: 'unhide' },
        sep,
        { role: 'quit', accelerator: 'Command+Q' },
      ],
    });
  }

  template.push({
    label: 'File',
    submenu: mac
      ? [{ role: 'close', accelerator: 'Command+W' }]
      : [{ role: 'close', label: 'Close Window', accelerator: 'Ctrl+W' }, sep, { role: 'quit', accelerator: 'Ctrl+Q' }],
  });

  template.push({
    label: 'Edit',
    submenu: [
      { role: 'undo', accelerator: 'CmdOrCtrl+Z' },
      { role: 'redo', accelerator: mac ? 'Shift+Command+Z' : 'Ctrl+Y' },
      sep,
      { role: 'cut', accelerator: 'CmdOrCtrl+X' },
      { role: 'copy', accelerator: 'CmdOrCtrl+C' },
      { role: 'paste', accelerator: 'CmdOrCtrl+V' },
      { role: 'selectAll', accelerator: 'CmdOrCtrl+A' },
    ],
  });

  template.push({
    label: 'View',
    submenu: [
      ...(options.dev
        ? ([
            { role: 'reload', accelerator: 'CmdOrCtrl+R' },
            { role: 'forceReload', accelerator: 'Shift+CmdOrCtrl+R' },
            { role: 'toggleDevTools', accelerator: mac ? 'Alt+Command+I' : 'Ctrl+Shift+I' },
            sep,
          ] satisfies MenuItemConstructorOptions[])
        : []),
      { role: 'resetZoom', accelerator: 'CmdOrCtrl+0' },
      { role: 'zoomIn', accelerator: 'CmdOrCtrl+Plus' },
      { role: 'zoomOut', accelerator: 'CmdOrCtrl+-' },
      sep,
      { role: 'togglefullscreen', accelerator: mac ? 'Ctrl+Command+F' : 'F11' },
    ],
  });

  template.push({
    label: 'Window',
    role: 'window',
    submenu: mac
      ? [{ role: 'minimize', accelerator: 'Command+M' }, { role: 'zoom' }, sep, { role: 'front' }]
      : [
          { role: 'minimize', accelerator: 'Ctrl+M' },
          { role: 'close', accelerator: 'Ctrl+W' },
        ],
  });

  template.push({
    label: 'Help',
    role: 'help',
    submenu: [
      {
        label: 'Hyperliquid Documentation',
        accelerator: mac ? undefined : 'F1',
        click: () => openHelpLink(HELP_LINKS.hyperliquidDocs, options.openExternal),
      },
      {
        label: 'Charts by TradingView Lightweight Charts',
        click: () => openHelpLink(HELP_LINKS.charts, options.openExternal),
      },
      ...(mac
        ? []
        : ([sep, { role: 'about', label: `About ${options.appName}` }] satisfies MenuItemConstructorOptions[])),
    ],
  });

  return template;
}

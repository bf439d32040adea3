/** The part of Electron's `app` the single-instance lock uses. */
export interface SingleInstanceAppLike {
  requestSingleInstanceLock(): boolean;
  on(event: 'second-instance', listener: () => void): unknown;
  quit(): void;
}

/** The part of a BrowserWindow that bringing it forward uses. */
export interface FocusableWindowLike {
  isDestroyed(): boolean;
  isMinimized(): boolean;
  restore(): void;
  isVisible(): boolean;
  show(): void;
  focus(): void;
}

/** Restores, shows and focuses a window (a minimized window ignores `focus` alone). */
export function bringToFront(window: FocusableWindowLike): void {
  if (window.isDestroyed()) return;
  if (window.isMinimized()) window.restore();
  if (!window.isVisible()) window.show();
  window.focus();
}

/**
 * Makes this process the only HyperDesk: a second copy would open the same database and trade
 * the same account. The first process keeps the lock and, when another launch is attempted,
 * brings its window forward; the second process quits at once.
 *
 * If the second launch arrives while the first is still starting (no window yet), the window
 * is brought forward as soon as `windowReady` is called.
 *
 * @returns `null` when another instance holds the lock (this one is quitting); otherwise a
 *   function to call once the main window exists
 */
export function claimSingleInstance(
  app: SingleInstanceAppLike,
  getWindow: () => FocusableWindowLike | null,
): { windowReady: () => void } | null {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return null;
  }
  let pending = false;
  app.on('second-instance', () => {
    const window = getWindow();
    if (window && !window.isDestroyed()) bringToFront(window);
    else pending = true;
  });
  return {
    windowReady: () => {
      const window = getWindow();
      if (pending && window) {
        pending = false;
        bringToFront(window);
      }
    },
  };
}

/**
 * Decisions of the window's security policy, kept free of Electron so they can be tested
 * directly. `appUrl` is where the UI is loaded from: the built index.html (file:) or the dev
 * server (http://localhost:port) during development.
 */

/** True when `url` is the app itself, the only place the window may be. */
export function isAppUrl(url: string, appUrl: string): boolean {
  let target: URL;
  let app: URL;
  try {
    target = new URL(url);
    app = new URL(appUrl);
  } catch {
    return false;
  }
  if (app.protocol === 'file:') {
    // Only the exact built page; query and fragment are the app's own routing.
    return target.protocol === 'file:' && target.host === app.host && target.pathname === app.pathname;
  }
  return target.origin === app.origin;
}

/** A navigation of the window is allowed only within the app. */
export function isAllowedNavigation(url: string, appUrl: string): boolean {
  return isAppUrl(url, appUrl);
}

/** Links the user clicks that may open in the system browser: https only. */
export function isExternalLinkAllowed(url: string): boolean {
  try {
    return new URL(url).protocol === 'https:';
  } catch {
    return false;
  }
}

/** The minimal view of an IPC sender frame that sender validation needs. */
export interface SenderFrameLike {
  readonly url: string;
  /** Null for a top-level frame. */
  readonly parent: unknown;
}

/**
 * An IPC message is accepted only from the top frame of the app itself: never from an
 * iframe, another page the window was tricked into, or a destroyed frame.
 */
export function isTrustedSender(frame: SenderFrameLike | null | undefined, appUrl: string): boolean {
  if (!frame) return false;
  return frame.parent === null && isAppUrl(frame.url, appUrl);
}

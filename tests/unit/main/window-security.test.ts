import { describe, expect, it } from 'vitest';
import { isAllowedNavigation, isExternalLinkAllowed, isTrustedSender } from '../../../src/main/security-policy.ts';
import { createWindowOptions } from '../../../src/main/window-options.ts';
import { contentSecurityPolicy } from '../../../src/shared/security/content-security-policy.ts';

const FILE_APP = 'file:///opt/HyperDesk/resources/app.asar/out/renderer/index.html';
const DEV_APP = 'http://localhost:5173/';

describe('main window webPreferences', () => {
  const prefs = createWindowOptions('/app/out/preload/index.cjs').webPreferences ?? {};

  it('isolate and sandbox the renderer with no Node access', () => {
    expect(prefs).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
    });
  });
});

describe('Content-Security-Policy', () => {
  const directives = new Map(
    contentSecurityPolicy()
      .split('; ')
      .map((d) => {
        const [name, ...values] = d.split(' ');
        return [name, values.join(' ')] as const;
      }),
  );

  it('allows scripts only from the app, no eval or inline, no plugins, no framing', () => {
    expect(directives.get('default-src')).toBe("'self'");
    expect(directives.get('script-src')).toBe("'self'");
    expect(directives.get('style-src')).toBe("'self'");
    expect(directives.get('object-src')).toBe("'none'");
    expect(directives.get('base-uri')).toBe("'none'");
    expect(directives.get('form-action')).toBe("'none'");
    expect(directives.get('frame-ancestors')).toBe("'none'");
    expect(contentSecurityPolicy()).not.toMatch(/unsafe-eval|\*/);
  });

  it('relaxes only styles in development, and drops frame-ancestors where a meta tag ignores it', () => {
    expect(contentSecurityPolicy({ dev: true })).toContain("style-src 'self' 'unsafe-inline'");
    expect(contentSecurityPolicy({ dev: true })).toContain("script-src 'self';");
    expect(contentSecurityPolicy({ meta: true })).not.toContain('frame-ancestors');
  });
});

describe('navigation and IPC sender policy', () => {
  it('keeps the window on the app itself', () => {
    expect(isAllowedNavigation(FILE_APP, FILE_APP)).toBe(true);
    expect(isAllowedNavigation(`${FILE_APP}#/chart`, FILE_APP)).toBe(true);
    expect(isAllowedNavigation('file:///etc/passwd', FILE_APP)).toBe(false);
    expect(isAllowedNavigation(FILE_APP.replace('file:///', 'file://fileserver/'), FILE_APP)).toBe(false);
    expect(isAllowedNavigation('https://evil.example/', FILE_APP)).toBe(false);
    expect(isAllowedNavigation('http://localhost:5173/x', DEV_APP)).toBe(true);
    expect(isAllowedNavigation('http://localhost:5174/', DEV_APP)).toBe(false);
    expect(isAllowedNavigation('not a url', FILE_APP)).toBe(false);
  });

  it('opens only https links externally', () => {
    expect(isExternalLinkAllowed('https://www.tradingview.com/')).toBe(true);
    expect(isExternalLinkAllowed('http://example.com/')).toBe(false);
    expect(isExternalLinkAllowed('file:///etc/passwd')).toBe(false);
    expect(isExternalLinkAllowed('javascript:alert(1)')).toBe(false);
  });

  it('trusts IPC only from the top frame of the app', () => {
    expect(isTrustedSender({ url: FILE_APP, parent: null }, FILE_APP)).toBe(true);
    expect(isTrustedSender({ url: FILE_APP, parent: {} }, FILE_APP)).toBe(false);
    expect(isTrustedSender({ url: 'https://evil.example/', parent: null }, FILE_APP)).toBe(false);
    expect(isTrustedSender(null, FILE_APP)).toBe(false);
  });
});

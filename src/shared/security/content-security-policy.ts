/** Options for {@link contentSecurityPolicy}. */
export interface CspOptions {
  /** Development server: allows the inline styles Vite injects for hot reload. */
  readonly dev?: boolean;
  /** Delivered in a `<meta>` tag, where browsers ignore (and warn about) `frame-ancestors`. */
  readonly meta?: boolean;
}

/**
 * The Content-Security-Policy of the UI, one definition for the Electron window (meta tag)
 * and web mode (HTTP header). Scripts only from the app itself, no eval, no plugins, no
 * framing, no form posts; network only back to the app's own origin (the WebSocket API in web
 * mode; nothing at all in Electron, where IPC carries the contract).
 */
export function contentSecurityPolicy(options: CspOptions = {}): string {
  const directives: Record<string, string> = {
    'default-src': "'self'",
    'script-src': "'self'",
    'style-src': options.dev ? "'self' 'unsafe-inline'" : "'self'",
    'img-src': "'self' data: blob:",
    'font-src': "'self'",
    'connect-src': "'self'",
    'worker-src': "'self' blob:",
    'object-src': "'none'",
    'base-uri': "'none'",
    'form-action': "'none'",
  };
  if (!options.meta) directives['frame-ancestors'] = "'none'";
  return Object.entries(directives)
    .map(([name, value]) => `${name} ${value}`)
    .join('; ');
}

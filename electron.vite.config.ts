import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import { resolve } from 'node:path';
import type { Plugin } from 'vite';
import { contentSecurityPolicy } from './src/shared/security/content-security-policy.ts';

/** Puts the app's Content-Security-Policy into index.html (strict in builds, Vite-friendly in dev). */
function cspMetaTag(): Plugin {
  let dev = false;
  return {
    name: 'hyperdesk-csp',
    configResolved(config) {
      dev = config.command === 'serve';
    },
    transformIndexHtml() {
      return [
        {
          tag: 'meta',
          attrs: { 'http-equiv': 'Content-Security-Policy', content: contentSecurityPolicy({ dev, meta: true }) },
          injectTo: 'head-prepend',
        },
      ];
    },
  };
}

export default defineConfig({
  main: {
    build: {
      externalizeDeps: true,
      rollupOptions: { input: { index: resolve('src/main/index.ts') } },
    },
  },
  preload: {
    build: {
      externalizeDeps: true,
      rollupOptions: {
        input: { index: resolve('src/preload/index.ts') },
        // Sandboxed preload scripts must be CommonJS.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve('src/renderer'),
    plugins: [react(), cspMetaTag()],
    build: {
      minify: true,
      // One ~0.5 MB bundle loaded from disk (Electron) or loopback (web mode): splitting it buys nothing.
      chunkSizeWarningLimit: 1024,
      rollupOptions: { input: { index: resolve('src/renderer/index.html') } },
    },
  },
});

#!/usr/bin/env node
// Launcher for the `hyperdesk` CLI. HyperDesk runs its TypeScript directly on Node's type
// stripping, which Node 24 (pinned by this package) has; on older Node, say what to do.
if (!process.features.typescript) {
  process.stderr.write(
    `hyperdesk needs Node.js 24; this is Node.js ${process.versions.node}.\n` +
      'Run "npm ci" in the HyperDesk folder and start it with "npx hyperdesk", which uses the pinned Node 24.\n',
  );
  process.exit(1);
}
await import('../src/server/cli/main.ts');

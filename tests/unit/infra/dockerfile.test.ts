import { DockerfileParser } from 'dockerfile-ast';
import { validate } from 'dockerfile-utils';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../helpers/paths.ts';

const text = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
const dockerfile = DockerfileParser.parse(text);
const instructions = dockerfile.getInstructions();
const args = (keyword: string) =>
  instructions.filter((i) => i.getKeyword() === keyword).map((i) => i.getArgumentsContent() ?? '');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };

/** The instructions of the last stage (the image that ships). */
function runtimeStage() {
  const froms = dockerfile.getFROMs();
  const last = froms.at(-1)!;
  const start = last.getRange().start.line;
  return instructions.filter((i) => i.getRange().start.line >= start);
}

describe('Dockerfile', () => {
  it('has no problems by the Dockerfile language linter (dockerfile-utils)', () => {
    // Severity 1 = error, 2 = warning.
    const problems = validate(text).filter((d) => d.severity === 1 || d.severity === 2);
    expect(problems.map((d) => `line ${d.range.start.line + 1}: ${d.message}`)).toEqual([]);
  });

  it('the linter really runs: it flags a broken Dockerfile', () => {
    expect(validate('FROM\nEXPOSE notaport\n').length).toBeGreaterThan(0);
  });

  it('is multi-stage: npm ci + npm run build, then production dependencies only', () => {
    const stages = dockerfile.getFROMs().map((f) => f.getBuildStage());
    expect(stages).toEqual(['build', 'prod-deps', 'runtime']);
    const runs = args('RUN');
    expect(runs.some((r) => r.includes('npm ci') && !r.includes('--omit=dev'))).toBe(true);
    expect(runs.some((r) => r.includes('npm run build'))).toBe(true);
    expect(runs.some((r) => r.includes('npm ci --omit=dev'))).toBe(true);
    const lines = text.split('\n');
    const copies = runtimeStage()
      .filter((i) => i.getKeyword() === 'COPY')
      .map((i) => lines[i.getRange().start.line]!);
    expect(copies).toContain('COPY --from=prod-deps /app/node_modules ./node_modules');
    expect(copies).toContain('COPY --from=build /app/out/renderer ./out/renderer');
    expect(copies.some((c) => c.includes('--from=build') && c.includes('node_modules'))).toBe(false);
  });

  it('pins the Node 24 the project pins, never a floating tag', () => {
    const nodeVersion = /^ARG NODE_VERSION=(\d+\.\d+\.\d+)$/m.exec(text)?.[1];
    expect(nodeVersion).toBeDefined();
    expect(pkg.devDependencies.node).toBe(`^${nodeVersion}`);
    for (const from of dockerfile.getFROMs()) {
      expect(from.getImageName()).toBe('node');
      expect(from.getImageTag()).toBe('${NODE_VERSION}-${DEBIAN_RELEASE}-slim');
    }
    expect(text).not.toMatch(/:latest\b/);
  });

  it('runs as a non-root numeric user with the server command', () => {
    const runtime = runtimeStage();
    const user = runtime
      .filter((i) => i.getKeyword() === 'USER')
      .at(-1)
      ?.getArgumentsContent();
    expect(user).toBe('10001:10001');
    expect(runtime.find((i) => i.getKeyword() === 'ENTRYPOINT')?.getArgumentsContent()).toBe(
      '["node", "bin/hyperdesk.js"]',
    );
    expect(runtime.find((i) => i.getKeyword() === 'CMD')?.getArgumentsContent()).toBe(
      '["serve", "--config", "/etc/hyperdesk/config.yaml"]',
    );
    expect(runtime.find((i) => i.getKeyword() === 'EXPOSE')?.getArgumentsContent()).toBe('8787');
  });

  it('the build context leaves out secrets, state and build output', () => {
    const ignore = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n');
    for (const entry of ['.git', '**/node_modules', 'out', '.env', '*.tfstate', '*.db', 'artifacts']) {
      expect(ignore, entry).toContain(entry);
    }
  });
});

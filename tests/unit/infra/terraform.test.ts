import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../helpers/paths.ts';
import { TERRAFORM_DIR, filesUnder } from './infra-helpers.ts';

type Hcl = Record<string, unknown>;

// HashiCorp's own HCL parser and `terraform fmt` formatter (hclwrite), compiled to
// WebAssembly. Loaded through require so their declaration files (which pull in the DOM
// library) stay out of the type check.
const require = createRequire(import.meta.url);
const { parse } = require('@cdktf/hcl2json') as { parse: (file: string, text: string) => Promise<Hcl> };
const { format } = require('@cdktf/hcl-tools') as { format: (text: string) => Promise<string> };

const tfFiles = filesUnder(TERRAFORM_DIR, (n) => n.endsWith('.tf'));
const hclFiles = filesUnder(TERRAFORM_DIR, (n) => /\.(tf|tfvars|tfbackend)$/.test(n));
const rootFiles = tfFiles.filter((f) => !relative(TERRAFORM_DIR, f).includes('/'));
const ENVIRONMENTS = ['staging', 'production'] as const;

async function parseFile(file: string): Promise<Hcl> {
  return parse(relative(ROOT, file), readFileSync(file, 'utf8'));
}

/** All blocks of one type (`module`, `variable`...) across the root module's files, by name. */
async function blocks(type: string): Promise<Record<string, Hcl[]>> {
  const out: Record<string, Hcl[]> = {};
  for (const file of rootFiles) Object.assign(out, ((await parseFile(file))[type] ?? {}) as Record<string, Hcl[]>);
  return out;
}

/** Resources across the root module's files: type → name → blocks. */
async function resourcesByType(): Promise<Record<string, Record<string, Hcl[]>>> {
  const out: Record<string, Record<string, Hcl[]>> = {};
  for (const file of rootFiles) {
    const resources = ((await parseFile(file)).resource ?? {}) as Record<string, Record<string, Hcl[]>>;
    for (const [type, byName] of Object.entries(resources)) out[type] = { ...out[type], ...byName };
  }
  return out;
}

describe('terraform', () => {
  it('every file parses and is formatted as terraform fmt would', async () => {
    expect(hclFiles.length).toBeGreaterThan(10);
    for (const file of hclFiles) {
      const text = readFileSync(file, 'utf8');
      await expect(parse(relative(ROOT, file), text), relative(ROOT, file)).resolves.toBeDefined();
      expect(await format(text), `${relative(ROOT, file)} is not terraform fmt-formatted`).toBe(text);
    }
  });

  it('the formatter really checks: a misformatted file differs', async () => {
    const bad = 'resource "x" "y" {\n  a = 1\n  bbb = 2\n}\n';
    expect(await format(bad)).not.toBe(bad);
  });

  it('community modules are pinned to exact versions (vpc, eks)', async () => {
    const modules = await blocks('module');
    expect(Object.keys(modules).sort()).toEqual(['eks', 'vpc']);
    expect(modules.vpc![0]).toMatchObject({ source: 'terraform-aws-modules/vpc/aws' });
    expect(modules.eks![0]).toMatchObject({ source: 'terraform-aws-modules/eks/aws', enable_irsa: true });
    for (const [name, [block]] of Object.entries(modules)) expect(block!.version, name).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('the S3 backend is a partial configuration; each environment has its backend file with a DynamoDB lock', async () => {
    const versions = await parseFile(join(TERRAFORM_DIR, 'versions.tf'));
    const terraform = (versions.terraform as Hcl[])[0]!;
    expect(terraform.backend).toEqual({ s3: [{}] });
    const aws = ((terraform.required_providers as Hcl[])[0]!.aws as Hcl) ?? {};
    expect(aws.version).toMatch(/^~> \d+\.\d+$/);
    for (const env of ENVIRONMENTS) {
      const backend = await parseFile(join(TERRAFORM_DIR, 'environments', `${env}.s3.tfbackend`));
      expect(Object.keys(backend).sort()).toEqual(['bucket', 'dynamodb_table', 'encrypt', 'key', 'region']);
      expect(backend.key).toBe(`hyperdesk/${env}/terraform.tfstate`);
      expect(backend.encrypt).toBe(true);
    }
    // The bootstrap stack creates that bucket and table.
    const bootstrap = await parseFile(join(TERRAFORM_DIR, 'bootstrap', 'main.tf'));
    expect(Object.keys(bootstrap.resource as Hcl)).toEqual(
      expect.arrayContaining(['aws_s3_bucket', 'aws_dynamodb_table']),
    );
  });

  it('each environment sets every variable without a default, and only declared ones', async () => {
    const variables = await blocks('variable');
    const required = Object.entries(variables)
      .filter(([, [v]]) => !('default' in v!))
      .map(([name]) => name);
    for (const env of ENVIRONMENTS) {
      const values = await parseFile(join(TERRAFORM_DIR, 'environments', `${env}.tfvars`));
      for (const name of Object.keys(values))
        expect(variables, `${env}.tfvars: ${name} is not declared`).toHaveProperty(name);
      for (const name of required) expect(values, `${env}.tfvars misses ${name}`).toHaveProperty(name);
      expect(values.environment).toBe(env);
    }
    const production = await parseFile(join(TERRAFORM_DIR, 'environments', 'production.tfvars'));
    expect(production.single_nat_gateway).toBe(false);
    expect(production.cluster_endpoint_public_access).toBe(false);
  });

  it('IRSA roles, ECR, the keys secret and the External Secrets policy exist; no secret value in code', async () => {
    const resources = await resourcesByType();
    for (const type of [
      'aws_iam_role',
      'aws_ecr_repository',
      'aws_secretsmanager_secret',
      'aws_iam_policy',
      'aws_s3_bucket',
      'aws_kms_key',
    ]) {
      expect(resources, type).toHaveProperty(type);
    }
    expect(Object.keys(resources.aws_iam_role!)).toEqual(
      expect.arrayContaining(['external_secrets', 'backup', 'github_deploy', 'ebs_csi']),
    );
    expect(resources).not.toHaveProperty('aws_secretsmanager_secret_version');
    const irsa = readFileSync(join(TERRAFORM_DIR, 'irsa.tf'), 'utf8');
    expect(irsa).toContain('secretsmanager:GetSecretValue');
    expect(irsa).toContain('system:serviceaccount:${var.k8s_namespace}:${local.secrets_service_account}');
    const ecr = resources.aws_ecr_repository!.hyperdesk![0]!;
    expect(ecr.image_tag_mutability).toBe('IMMUTABLE');
  });
});

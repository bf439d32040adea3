import type { Command } from 'commander';
import { join } from 'node:path';
import { openSecretStore } from '../../../adapters/secrets/open-secret-store.ts';
import { KnowledgeStore } from '../../../adapters/sqlite/knowledge/knowledge-store.ts';
import type { StoredRule } from '../../../adapters/sqlite/knowledge/knowledge-types.ts';
import { chooseExtractor, learnFile } from '../../../host/learning/learn-service.ts';
import { defaultDataDir } from '../../app-paths.ts';
import { openStore, progressPrinter } from '../cli-options.ts';
import type { CliIo } from '../program.ts';

/** Where a rule was read, for people: "p. 3" or "12:05". */
export function citationPlace(rule: StoredRule['rule']): string {
  const c = rule.citation;
  if (c.page !== null) return `p. ${c.page}`;
  const s = Math.floor(c.timestamp ?? 0);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** One line per rule with its citation. */
export function ruleLine(r: StoredRule): string {
  const off = r.enabled ? '' : ' [disabled]';
  return `${r.id} v${r.version} ${r.rule.kind.padEnd(10)} ${r.rule.name} (confidence ${r.rule.confidence.toFixed(2)})${off}\n    ${citationPlace(r.rule)}: “${r.rule.citation.quote}”\n`;
}

/** `hyperdesk learn`: a PDF, video or subtitle file → rules with citations in the knowledge base. */
export function registerLearn(program: Command, io: CliIo): void {
  program
    .command('learn <file>')
    .description('learn the trading rules in a PDF, a video or a subtitle file; every rule cites its page or moment')
    .option('--offline', 'use the offline (keyword) extractor even when an Anthropic API key is set', false)
    .option('--model <id>', 'Claude model')
    .option('--budget-usd <amount>', 'most this run may spend on Claude', '5')
    .option('--secrets <store>', 'where the Anthropic API key is: env (ANTHROPIC_API_KEY), keychain or file:<dir>')
    .option('--json', 'print JSON', false)
    .option('--data-dir <dir>', 'folder of the HyperDesk database (default: per-user app data)')
    .action(
      async (
        file: string,
        opts: {
          offline: boolean;
          model?: string;
          budgetUsd: string;
          secrets?: string;
          json: boolean;
          dataDir?: string;
        },
      ) => {
        const dataDir = opts.dataDir ?? defaultDataDir();
        const db = openStore(dataDir);
        try {
          const secrets = openSecretStore(opts.secrets ?? (process.env.ANTHROPIC_API_KEY ? 'env' : 'keychain'));
          const { extractor, notice } = await chooseExtractor({
            offline: opts.offline,
            secrets,
            model: opts.model,
            budgetUsd: opts.budgetUsd,
            baseURL: process.env.HYPERDESK_ANTHROPIC_BASE_URL,
          });
          if (notice && !opts.json) io.err(`hyperdesk: ${notice}\n`);
          const progress = progressPrinter((text) => io.err(text), process.stderr.isTTY === true);
          const result = await learnFile(file, {
            store: new KnowledgeStore(db),
            extractor,
            keyframeRoot: join(dataDir, 'keyframes'),
            onProgress: opts.json
              ? undefined
              : (stage, done, total) => progress(stage, total > 0 ? done / total : null, `${done}/${total}`),
          });
          if (opts.json) {
            io.out(
              `${JSON.stringify({ ...result, rules: result.rules.map((r) => ({ id: r.id, version: r.version, ...r.rule })) })}\n`,
            );
            return;
          }
          const label =
            result.method === 'offline' ? 'the offline extractor (keyword-based)' : `Claude (${result.report.model})`;
          io.out(
            `${result.name}: ${result.rules.length} rule(s) by ${label}${result.cached ? ' — learned before, 0 model calls' : ''}\n`,
          );
          for (const notice of result.notices) io.out(`  note: ${notice}\n`);
          for (const rule of result.rules) io.out(`  ${ruleLine(rule)}`);
          for (const f of result.report.failures) io.out(`  not extracted (section ${f.chunkIndex}): ${f.message}\n`);
          if (!result.cached && result.method === 'claude') {
            const u = result.report.usage;
            io.out(
              `  ${result.report.calls} call(s), ${u.inputTokens} in / ${u.outputTokens} out tokens, $${u.costUsd}\n`,
            );
          }
        } finally {
          db.close();
        }
      },
    );
}

import type { Database } from 'better-sqlite3';
import type { Command } from 'commander';
import { KnowledgeStore } from '../../../adapters/sqlite/knowledge/knowledge-store.ts';
import { writeFileAtomic } from '../../../adapters/files/write-file-atomic.ts';
import { narrateTrade } from '../../../engine/learning/trade-reasoner.ts';
import {
  applySuggestions,
  compileStored,
  priorConfidences,
  runFeedback,
} from '../../../host/learning/feedback-service.ts';
import { SqliteJournal } from '../../../adapters/sqlite/sqlite-journal.ts';
import { tradesFromJournal } from '../../../engine/learning/journal-trades.ts';
import { analyzeOutcomes, suggestConfidence } from '../../../engine/learning/outcome-analyzer.ts';
import { runIdOf } from '../../../host/trading/run-ids.ts';
import { parseMode, tradingVenue, type TradingCliOptions } from '../trading-options.ts';
import { ConfigurationError, ValidationError } from '../../../shared/contract/errors.ts';
import { ClaudeNarrator } from '../../../adapters/learning/claude/claude-narrator.ts';
import { openSecretStore } from '../../../adapters/secrets/open-secret-store.ts';
import { parseOrThrow } from '../../../shared/contract/validation.ts';
import { z } from 'zod';
import { loadBars, venueOption, type BacktestCliOptions } from '../backtest-options.ts';
import { openStore, parseCoin, parseInterval } from '../cli-options.ts';
import type { CliIo } from '../program.ts';
import { ruleLine } from './learn-command.ts';

/** `hyperdesk kb`: search the knowledge base, list rules, build and test strategies from them. */
export function registerKb(program: Command, io: CliIo): void {
  const kb = program.command('kb').description('the knowledge base: search, rules, strategies, feedback');
  const withDir = (c: Command) =>
    c.option('--data-dir <dir>', 'folder of the HyperDesk database (default: per-user app data)');
  const open =
    <T>(dataDir: string | undefined, work: (store: KnowledgeStore, db: Database) => T | Promise<T>) =>
    async () => {
      const db = openStore(dataDir);
      try {
        return await work(new KnowledgeStore(db), db);
      } finally {
        db.close();
      }
    };

  withDir(kb.command('search <text>').description('search the learned documents and rules'))
    .option('--limit <n>', 'most hits', '20')
    .option('--json', 'print JSON', false)
    .action(async (text: string, opts: { limit: string; json: boolean; dataDir?: string }) => {
      const limit = parseOrThrow(z.coerce.number().int().min(1).max(500), opts.limit, '--limit');
      await open(opts.dataDir, (store) => {
        const hits = store.search(text, { limit });
        if (opts.json) return void io.out(`${JSON.stringify(hits)}\n`);
        if (hits.length === 0) io.out(`nothing matches "${text}"\n`);
        for (const hit of hits) io.out(`${JSON.stringify(hit)}\n`);
      })();
    });

  withDir(kb.command('rules').description('the rules in force, with their citations'))
    .option('--source <id>', 'only rules from this source')
    .option('--kind <kind>', 'entry, exit, filter, risk or management')
    .option('--json', 'print JSON', false)
    .action(async (opts: { source?: string; kind?: string; json: boolean; dataDir?: string }) => {
      await open(opts.dataDir, (store) => {
        const kind =
          opts.kind === undefined
            ? undefined
            : parseOrThrow(z.enum(['entry', 'exit', 'filter', 'risk', 'management']), opts.kind, '--kind');
        const rules = store.rules({ sourceId: opts.source, kind });
        if (opts.json) return void io.out(`${JSON.stringify(rules)}\n`);
        io.out(`${rules.length} rule(s)\n`);
        for (const rule of rules) io.out(ruleLine(rule));
      })();
    });

  withDir(kb.command('strategy <name>').description('make a strategy from rules'))
    .requiredOption('--rules <ids>', 'comma-separated rule ids')
    .option('--note <text>', 'a note')
    .action(async (name: string, opts: { rules: string; note?: string; dataDir?: string }) => {
      await open(opts.dataDir, (store) => {
        const ids = opts.rules
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        if (ids.length === 0) throw new ValidationError('--rules: give at least one rule id');
        const made = store.createStrategy(name, ids, opts.note);
        io.out(`strategy "${made.name}" with ${ids.length} rule(s)\n`);
      })();
    });

  withDir(
    kb.command('compile <name>').description('compile a strategy for the engine; says which rules cannot run and why'),
  )
    .requiredOption('--interval <interval>', 'interval of the bars it will run on')
    .option('--out <file.json>', 'write a strategy file for backtest, replay and trade')
    .action(async (name: string, opts: { interval: string; out?: string; dataDir?: string }) => {
      const report = await open(opts.dataDir, (store) => compileStored(store, name, parseInterval(opts.interval)))();
      for (const u of report.used) io.out(`  runs:        ${u.id} ${u.kind} ${u.name}\n`);
      for (const u of report.unsupported) io.out(`  cannot run:  ${u.id} ${u.name}: ${u.reason}\n`);
      for (const n of report.notes) io.out(`  note: ${n}\n`);
      if (opts.out) {
        const file = { strategy: 'rules', name, params: report.spec.params, sizing: report.spec.sizing };
        await writeFileAtomic(opts.out, `${JSON.stringify(file, null, 2)}\n`);
        io.out(`strategy file written to ${opts.out}\n`);
      }
    });

  withDir(
    kb
      .command('feedback <name>')
      .description(
        'backtest a strategy, explain each trade by its rules, count outcomes per rule, suggest confidences',
      ),
  )
    .requiredOption('--data <file>', 'candle file')
    .option('--interval <interval>', 'bar interval (default: detected)')
    .option('--min-trades <n>', 'fewest trades behind a suggestion', '20')
    .option('--apply', 'apply the suggested confidences (each change is recorded)', false)
    .option('--explain <n>', 'print the explanation of the first n trades', '0')
    .option('--narrate', 'add a Claude narrative to each explained trade (needs an Anthropic API key)', false)
    .option('--json', 'print JSON', false)
    .action(
      async (
        name: string,
        opts: BacktestCliOptions & {
          minTrades: string;
          apply: boolean;
          explain: string;
          narrate: boolean;
          json: boolean;
          dataDir?: string;
        },
      ) => {
        const { bars, interval } = await loadBars({ ...opts, param: [], strategy: '' });
        const venue = await venueOption({ ...opts, param: [], strategy: '' });
        const minTrades = parseOrThrow(z.coerce.number().int().min(1).max(100_000), opts.minTrades, '--min-trades');
        const explain = parseOrThrow(z.coerce.number().int().min(0).max(10_000), opts.explain, '--explain');
        await open(opts.dataDir, async (store) => {
          const run = runFeedback(store, name, bars, interval, { venue, confidence: { minTrades } });
          const applied = opts.apply
            ? applySuggestions(store, run.suggestions, 'user (hyperdesk kb feedback --apply)')
            : [];
          if (opts.json) {
            io.out(
              `${JSON.stringify({ outcomes: run.outcomes, suggestions: run.suggestions, applied: applied.map((r) => ({ id: r.id, version: r.version })), unsupported: run.compiled.unsupported, trades: run.trades.slice(0, explain) })}\n`,
            );
            return;
          }
          const s = run.outcomes.strategy;
          io.out(
            `${name}: ${s.trades} trades, win rate ${(s.winRate * 100).toFixed(1)} %, expectancy ${s.expectancyR?.toFixed(2) ?? '-'}R\n`,
          );
          for (const r of run.outcomes.rules) {
            const phases = Object.entries(r.byPhase)
              .map(([p, f]) => `${p} ${f.trades}/${(f.winRate * 100).toFixed(0)}%`)
              .join(', ');
            io.out(
              `  ${r.ruleId} ${r.name}: ${r.trades} trades, ${(r.winRate * 100).toFixed(1)} % won, ${r.expectancyR?.toFixed(2) ?? '-'}R (${phases})\n`,
            );
          }
          for (const u of run.compiled.unsupported) io.out(`  cannot run: ${u.name}: ${u.reason}\n`);
          if (run.suggestions.length === 0)
            io.out(`  no confidence change suggested (needs ${minTrades} trades per rule and a change of 0.05)\n`);
          for (const sug of run.suggestions)
            io.out(`  suggest ${sug.ruleId} ${sug.name}: ${sug.reason}${opts.apply ? ' — applied' : ''}\n`);
          const narrator = opts.narrate ? await openNarrator() : null;
          for (const t of run.trades.slice(0, explain)) {
            io.out(`\n${narrateTrade(t)}\n`);
            if (narrator) io.out(`${await narrator.narrate(t)}\n`);
          }
        })();
      },
    );

  withDir(
    kb
      .command('outcomes')
      .description('outcomes per rule of a paper or live run (from its journal), with confidence suggestions'),
  )
    .requiredOption('--mode <mode>', 'paper or live')
    .requiredOption('--coin <coin>', 'market')
    .option('--network <network>', 'testnet (default) or mainnet')
    .option('--api-url <url>', 'the venue the run traded on, when not Hyperliquid itself')
    .option('--account <address>', 'live: the account traded')
    .option('--min-trades <n>', 'fewest trades behind a suggestion', '20')
    .option('--apply', 'apply the suggested confidences (each change is recorded)', false)
    .option('--json', 'print JSON', false)
    .action(
      async (opts: TradingCliOptions & { minTrades: string; apply: boolean; json: boolean; dataDir?: string }) => {
        const mode = parseMode(opts.mode);
        if (mode === 'live' && !opts.account) throw new ValidationError('--account: name the account of the live run');
        const venue = tradingVenue({ ...opts, confirmMainnet: true }, mode);
        const runId = runIdOf(mode, venue.endpoints.apiUrl, opts.account ?? 'paper', parseCoin(opts.coin));
        const minTrades = parseOrThrow(z.coerce.number().int().min(1).max(100_000), opts.minTrades, '--min-trades');
        await open(opts.dataDir, (store, db) => {
          const trades = tradesFromJournal(new SqliteJournal(db, runId).read(), parseCoin(opts.coin));
          const outcomes = analyzeOutcomes(trades);
          const current = new Map(store.rules({}).map((r) => [r.id, r.rule.confidence] as const));
          const priors = priorConfidences(store, [...current.keys()]);
          const suggestions = suggestConfidence(outcomes.rules, current, { minTrades, priors });
          const applied = opts.apply
            ? applySuggestions(store, suggestions, `user (hyperdesk kb outcomes --apply, ${runId})`)
            : [];
          if (opts.json)
            return void io.out(
              `${JSON.stringify({ runId, outcomes, suggestions, applied: applied.map((r) => ({ id: r.id, version: r.version })) })}\n`,
            );
          const s = outcomes.strategy;
          io.out(`${runId}: ${s.trades} trades, win rate ${(s.winRate * 100).toFixed(1)} %\n`);
          for (const r of outcomes.rules)
            io.out(
              `  ${r.ruleId} ${r.name}: ${r.trades} trades, ${(r.winRate * 100).toFixed(1)} % won, ${r.expectancyR?.toFixed(2) ?? '-'}R\n`,
            );
          for (const sug of suggestions)
            io.out(`  suggest ${sug.ruleId} ${sug.name}: ${sug.reason}${opts.apply ? ' — applied' : ''}\n`);
        })();
      },
    );
}

/** Claude for trade narratives, with the key from the environment or the keychain. */
async function openNarrator(): Promise<ClaudeNarrator> {
  const secrets = openSecretStore(process.env.ANTHROPIC_API_KEY ? 'env' : 'keychain');
  const apiKey = await secrets.get('anthropic-api-key');
  if (!apiKey) {
    throw new ConfigurationError(
      `--narrate needs an Anthropic API key (ANTHROPIC_API_KEY, or hyperdesk keys set anthropic-api-key); none in ${secrets.describe}`,
    );
  }
  return new ClaudeNarrator({ apiKey, baseURL: process.env.HYPERDESK_ANTHROPIC_BASE_URL });
}

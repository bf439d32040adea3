import type { Command } from 'commander';
import { Decimal } from 'decimal.js';
import { randomBytes } from 'node:crypto';
import { RunLock } from '../../../adapters/run-lock.ts';
import { SqliteJournal } from '../../../adapters/sqlite/sqlite-journal.ts';
import { defaultDataDir } from '../../app-paths.ts';
import { controlRunOf, lockPathOf } from '../../../host/trading/run-ids.ts';
import { TransportError } from '../../../shared/contract/errors.ts';
import type { CliIo } from '../program.ts';
import { withTradingOptions, type TradingCliOptions } from '../trading-options.ts';
import { openRunVenue } from './orders-command.ts';

interface KillOptions extends TradingCliOptions {
  reason: string;
  waitSeconds: string;
}

/**
 * `hyperdesk kill`: the kill switch from outside a session. The halt is journaled first (a
 * session that starts later stays halted until resumed). A session running in another
 * process is asked, through the journal, to cancel and flatten itself; when none runs (or
 * it does not answer in time, live), this command cancels every open order on the market and
 * closes the position itself.
 */
export function registerKill(program: Command, io: CliIo): void {
  withTradingOptions(program.command('kill').description('kill switch: cancel all orders, flatten, halt the run'))
    .option('--reason <text>', 'why (journaled)', 'kill switch (CLI)')
    .option('--wait-seconds <n>', 'how long to wait for a running session to act', '10')
    .action(async (opts: KillOptions) => {
      const run = await openRunVenue(opts, false);
      try {
        const now = Date.now();
        new SqliteJournal(run.db, run.runId).append([
          { at: now, event: 'risk.halted', payload: { reason: opts.reason } },
        ]);
        io.out(`run ${run.runId} halted: new entries refused until resumed\n`);
        const owner = RunLock.owner(lockPathOf(opts.dataDir ?? defaultDataDir(), run.runId));
        if (owner !== null) {
          const control = new SqliteJournal(run.db, controlRunOf(run.runId));
          control.append([{ at: now, event: 'control.kill', payload: { reason: opts.reason } }]);
          const request = control.readAfter(0).at(-1)?.seq ?? 0;
          const deadline = Date.now() + Number(opts.waitSeconds) * 1000;
          while (Date.now() < deadline) {
            const answer = control.readAfter(request).find((e) => Number(e.entry.payload.request) === request);
            if (answer) {
              if (answer.entry.event === 'control.done') {
                io.out(`the running session (process ${owner}) canceled its orders and flattened\n`);
                return;
              }
              io.err(`the running session failed to act: ${String(answer.entry.payload.message)}\n`);
              break;
            }
            await new Promise((resolve) => setTimeout(resolve, 200));
          }
          if (run.mode === 'paper') {
            throw new TransportError(`the paper session in process ${owner} did not act; stop it and run kill again`);
          }
          io.err(`the session in process ${owner} did not act in time: acting on the venue directly\n`);
        }
        // Acting directly: hold the run's lock, so no session starts meanwhile and writes the
        // same (paper) journal.
        const lock =
          owner === null
            ? RunLock.acquire(lockPathOf(opts.dataDir ?? defaultDataDir(), run.runId), `the kill of ${run.runId}`)
            : null;
        try {
          await flattenDirectly(run, io);
        } finally {
          lock?.release();
        }
      } finally {
        run.db.close();
      }
    });
}

/**
 * Cancels every open order on the run's market (ours or not) and closes the venue's position
 * with reduce-only market orders, checking the venue afterwards: a partial close is tried
 * once more, and what is left is an error.
 */
async function flattenDirectly(run: Awaited<ReturnType<typeof openRunVenue>>, io: CliIo): Promise<void> {
  const canceled = await run.execution.cancelAll(run.coin);
  io.out(`canceled ${canceled} open order(s)\n`);
  const held = async () =>
    (await run.execution.account()).positions.find((p) => p.coin === run.coin)?.qty ?? new Decimal(0);
  let position = await held();
  if (position.isZero()) {
    io.out('no position to close\n');
    return;
  }
  const start = position;
  for (let attempt = 0; attempt < 2 && !position.isZero(); attempt++) {
    const [result] = await run.execution.place([
      {
        cloid: `0x${randomBytes(16).toString('hex')}`,
        coin: run.coin,
        side: position.isPositive() ? 'sell' : 'buy',
        qty: position.abs(),
        kind: 'market',
        limitPrice: null,
        triggerPrice: null,
        tif: 'ioc',
        reduceOnly: true,
      },
    ]);
    if (result?.status === 'rejected') io.err(`the close was refused: ${result.reason}\n`);
    position = await held();
  }
  if (!position.isZero()) {
    throw new TransportError(
      `the position was not closed: ${position.toFixed()} ${run.coin} left of ${start.toFixed()}`,
    );
  }
  io.out(`closed ${start.toFixed()} ${run.coin}\n`);
}

/**
 * `hyperdesk resume`: lifts a halt (kill switch) of a run. Journaled, so a session started
 * later trades again; a running session is told through the control stream.
 */
export function registerResume(program: Command, io: CliIo): void {
  withTradingOptions(
    program.command('resume').description('lift the halt of a run: new entries are allowed again'),
  ).action(async (opts: TradingCliOptions) => {
    const run = await openRunVenue(opts, true);
    try {
      new SqliteJournal(run.db, run.runId).append([{ at: Date.now(), event: 'risk.resumed', payload: {} }]);
      const owner = RunLock.owner(lockPathOf(opts.dataDir ?? defaultDataDir(), run.runId));
      if (owner !== null) {
        new SqliteJournal(run.db, controlRunOf(run.runId)).append([
          { at: Date.now(), event: 'control.resume', payload: {} },
        ]);
      }
      io.out(`run ${run.runId} resumed${owner !== null ? ` (the session in process ${owner} is told)` : ''}\n`);
    } finally {
      run.db.close();
    }
  });
}

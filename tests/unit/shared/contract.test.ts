import { describe, expect, it } from 'vitest';
import { COMMAND_NAMES, Commands, isCommandName } from '../../../src/shared/contract/commands.ts';
import {
  NotImplementedError,
  TransportError,
  ValidationError,
  fromWireError,
  toWireError,
} from '../../../src/shared/contract/errors.ts';
import { Events, isEventName } from '../../../src/shared/contract/events.ts';
import { parseOrThrow } from '../../../src/shared/contract/validation.ts';
import { CandleSchema } from '../../../src/shared/values/candle.ts';
import { TIMEFRAMES, TIMEFRAME_MS, TimeframeSchema } from '../../../src/shared/values/timeframe.ts';

describe('contract', () => {
  it('names commands imperatively and events in the past tense', () => {
    expect(COMMAND_NAMES).toEqual([
      'GetEngineStatus',
      'LoadCandles',
      'QueryCandles',
      'ListSeries',
      'ListSamples',
      'StartReplay',
      'ControlReplay',
      'GetReplayState',
      'StopReplay',
      'QueryDetections',
      'RunBacktest',
      'CancelBacktest',
      'RunSweep',
      'RunWalkForward',
      'StartTradingSession',
      'StartPaperSession',
      'StopPaperSession',
      'SubmitTicket',
      'CheckTicket',
      'ModifyOrder',
      'CancelOrder',
      'KillSwitch',
      'GetTradingState',
      'ListLearnableFiles',
      'LearnFile',
      'ListRules',
      'SetRuleEnabled',
      'GetSourcePage',
      'CancelLearn',
      'ListStrategies',
      'CreateStrategy',
      'CompileStrategy',
      'RunFeedback',
      'CancelFeedback',
      'ApproveSuggestion',
      'GetSourceMedia',
      'GetKeyframeImage',
      'GetSettings',
      'UpdateSettings',
      'SetSecret',
      'DeleteSecret',
    ]);
    // Past tense, except progress reports of long jobs, which state where they are rather than a fact.
    for (const name of Object.keys(Events)) {
      if (!name.endsWith('Progress')) expect(name).toMatch(/(ed|Paid)$/);
    }
    expect(isCommandName('LoadCandles')).toBe(true);
    expect(isCommandName('toString')).toBe(false);
    expect(isEventName('hasOwnProperty')).toBe(false);
  });

  it('rejects unknown fields in requests instead of ignoring them', () => {
    const result = Commands.QueryCandles.request.safeParse({ seriesId: 's', limt: 10 });
    expect(result.success).toBe(false);
  });

  it('has all 14 Hyperliquid intervals, case-sensitive', () => {
    expect(TIMEFRAMES).toHaveLength(14);
    expect(TimeframeSchema.parse('1M')).toBe('1M');
    expect(TIMEFRAME_MS['1m']).toBe(60_000);
    expect(TIMEFRAME_MS['1M']).not.toBe(TIMEFRAME_MS['1m']);
    expect(TimeframeSchema.safeParse('1mo').success).toBe(false);
  });

  it('checks candle sanity with the field named', () => {
    const bad = CandleSchema.safeParse({ time: 0, open: 10, high: 9, low: 8, close: 9.5, volume: 1 });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.path).toEqual(['high']);
    expect(() =>
      parseOrThrow(CandleSchema, { time: 0, open: 10, high: 11, low: 8, close: 9, volume: -1 }, 'bar 3'),
    ).toThrow('bar 3: volume: must not be negative');
  });
});

describe('errors across boundaries', () => {
  it('keep only name, code and message', () => {
    const error = new TransportError('socket closed');
    (error as unknown as { secret: string }).secret = 'do-not-leak';
    expect(toWireError(error)).toEqual({ name: 'TransportError', code: 'TRANSPORT', message: 'socket closed' });
  });

  it('turn unexpected errors into INTERNAL without stacks', () => {
    const wire = toWireError(new TypeError('x is undefined'));
    expect(wire).toEqual({ name: 'InternalError', code: 'INTERNAL', message: 'x is undefined' });
    expect(JSON.stringify(wire)).not.toContain('at ');
    expect(toWireError('plain string')).toMatchObject({ code: 'INTERNAL', message: 'plain string' });
  });

  it('come back typed on the other side', () => {
    const back = fromWireError(toWireError(new ValidationError('coin: required')));
    expect(back).toBeInstanceOf(Error);
    expect(back).toMatchObject({ name: 'ValidationError', code: 'VALIDATION', message: 'coin: required' });
    expect(new NotImplementedError('walk-forward').message).toBe('walk-forward is not implemented yet');
  });
});

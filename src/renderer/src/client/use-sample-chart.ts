import { useQuery } from '@tanstack/react-query';
import { useEngineStore } from '../state/engine-store.ts';
import { useEngineClient } from './engine-context.ts';

/**
 * Loads the first bundled sample into the engine and reads its candles back. Keys include
 * the engine epoch, so everything is fetched again after an engine restart or a reconnect.
 */
export function useSampleChart() {
  const client = useEngineClient();
  const connected = useEngineStore((s) => s.connection === 'open');
  const epoch = useEngineStore((s) => s.engineEpoch);

  const samples = useQuery({
    queryKey: ['samples', epoch],
    queryFn: () => client.request('ListSamples', {}),
    enabled: connected,
  });
  const sample = samples.data?.samples[0];
  const series = useQuery({
    queryKey: ['load-sample', sample?.name, epoch],
    queryFn: () =>
      client.request('LoadCandles', {
        source: { kind: 'sample', name: sample?.name ?? '' },
        coin: sample?.coin ?? '',
        interval: sample?.interval ?? '1h',
      }),
    enabled: connected && sample !== undefined,
  });
  const seriesId = series.data?.seriesId;
  const candles = useQuery({
    queryKey: ['candles', seriesId, epoch],
    queryFn: () => client.request('QueryCandles', { seriesId: seriesId ?? '' }),
    enabled: connected && seriesId !== undefined,
  });
  const error = samples.error ?? series.error ?? candles.error;
  return {
    info: series.data ?? null,
    candles: candles.data?.candles ?? null,
    error: error ? error.message : samples.isSuccess && !sample ? 'No bundled sample dataset found' : null,
  };
}

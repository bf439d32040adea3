import type { ChartMarker, ChartPriceLine } from '../chart/chart-types.ts';
import { useWorkspaceStore } from '../state/workspace-store.ts';

/**
 * The panels' one point of contact with the chart workspace: put markers and price lines on
 * the chart, bring a time into view, and read which series is selected. Panels never reach
 * into the workspace store elsewhere, so a change there is a change here only.
 */
export interface WorkspaceLink {
  setMarkers(kind: string, markers: readonly ChartMarker[]): void;
  setPriceLines(kind: string, lines: readonly ChartPriceLine[]): void;
  focusOn(time: number): void;
}

const link: WorkspaceLink = {
  setMarkers: (kind, markers) => useWorkspaceStore.getState().setMarkers(kind, markers),
  setPriceLines: (kind, lines) => useWorkspaceStore.getState().setPriceLines(kind, lines),
  focusOn: (time) => useWorkspaceStore.getState().focusOn(time),
};

/** The workspace actions; one stable object, safe in effect dependencies. */
export function useWorkspaceLink(): WorkspaceLink {
  return link;
}

/** The last time a panel asked the chart to show, or null. */
export function useFocusTime(): number | null {
  return useWorkspaceStore((s) => s.focus?.time ?? null);
}

/** The series on the chart (what the panels work on), or null while it loads. */
export interface SelectedSeries {
  readonly id: string;
  /** Open time of the first and last bar, unix ms. */
  readonly first: number | null;
  readonly last: number | null;
}

const selectId = (s: { series: { seriesId: string } | null }) => s.series?.seriesId ?? null;
const selectFirst = (s: { series: { first: number | null } | null }) => s.series?.first ?? null;
const selectLast = (s: { series: { last: number | null } | null }) => s.series?.last ?? null;

/** The selected series, or null. */
export function useSelectedSeries(): SelectedSeries | null {
  const id = useWorkspaceStore(selectId);
  const first = useWorkspaceStore(selectFirst);
  const last = useWorkspaceStore(selectLast);
  return id === null ? null : { id, first, last };
}

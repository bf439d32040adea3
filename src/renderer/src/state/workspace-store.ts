/**
 * The chart workspace store: what the chart shows and what panels ask it to draw.
 *
 * Panels (backtest, replay, trading) never touch the chart; they talk to this store only:
 *
 * - `setMarkers(kind, markers)`: replaces the markers of one producer (`kind`, e.g.
 *   "backtest"); an empty list removes them. Markers of other kinds stay.
 * - `setPriceLines(kind, lines)`: the same for horizontal price lines.
 * - `focusOn(time)`: scrolls the main chart so the bar at `time` (unix ms) is centred;
 *   calling it again with the same time jumps again.
 * - Read `series` and `timeframe` to know what is on screen (`useWorkspaceStore((s) => s.series)`).
 *
 * The toolbar owns the rest: the selected timeframe, detection overlays, theme (remembered
 * in localStorage) and the one- or two-chart layout. `features` records what the engine
 * behind this window supports, so the toolbar hides what would only fail.
 *
 * Use it in React with `useWorkspaceStore(selector)` and outside React with
 * `useWorkspaceStore.getState().setMarkers(...)`.
 */
import { create } from 'zustand';
import type { SeriesInfo } from '../../../shared/contract/series.ts';
import type { Timeframe } from '../../../shared/values/timeframe.ts';
import { contractHasDetections, contractHasResampling } from '../client/engine-features.ts';
import type { Theme } from '../chart/chart-theme.ts';
import type { ChartFocus, ChartMarker, ChartPriceLine } from '../chart/chart-types.ts';
import { OVERLAY_FAMILIES, type OverlayFamily } from '../chart/detection-overlays.ts';

/** One chart, or a higher timeframe above the selected one. */
export type ChartLayout = 'single' | 'dual';

/** Engine capabilities the workspace adapts to. */
export interface WorkspaceFeatures {
  /** `QueryCandles` accepts `interval`: other timeframes than the series' own. */
  readonly resample: boolean;
  /** `QueryDetections` exists: detection overlays. */
  readonly detections: boolean;
}

/** State and actions of the workspace store. */
export interface WorkspaceState {
  /** The series on the chart, or null while none is loaded. */
  readonly series: SeriesInfo | null;
  /** Timeframe shown; the series' own interval unless the user picked another. */
  readonly timeframe: Timeframe | null;
  /** Detection overlays drawn at all. */
  readonly overlaysOn: boolean;
  /** Families drawn while overlays are on. */
  readonly overlayFamilies: Readonly<Record<OverlayFamily, boolean>>;
  readonly theme: Theme;
  readonly layout: ChartLayout;
  readonly features: WorkspaceFeatures;
  /** Markers per producer kind. */
  readonly markers: Readonly<Record<string, readonly ChartMarker[]>>;
  /** Price lines per producer kind. */
  readonly priceLines: Readonly<Record<string, readonly ChartPriceLine[]>>;
  readonly focus: ChartFocus | null;

  /** Shows `series` at its own interval. Markers, lines and focus belong to the old series and go. */
  selectSeries(series: SeriesInfo): void;
  setTimeframe(timeframe: Timeframe): void;
  setOverlaysOn(on: boolean): void;
  toggleOverlayFamily(family: OverlayFamily): void;
  setTheme(theme: Theme): void;
  setLayout(layout: ChartLayout): void;
  /** Marks a capability missing (the engine answered "unknown command"). */
  disableFeature(feature: keyof WorkspaceFeatures): void;
  setMarkers(kind: string, markers: readonly ChartMarker[]): void;
  setPriceLines(kind: string, lines: readonly ChartPriceLine[]): void;
  focusOn(time: number): void;
}

/** Where the theme choice is remembered. */
export const THEME_STORAGE_KEY = 'hyperdesk.theme';

function storedTheme(): Theme {
  try {
    const value = globalThis.localStorage?.getItem(THEME_STORAGE_KEY);
    if (value === 'dark' || value === 'light') return value;
  } catch {
    // Storage can be disabled (privacy settings); the default theme is fine then.
  }
  return 'dark';
}

function withoutKey<T>(record: Readonly<Record<string, T>>, key: string): Record<string, T> {
  const copy = { ...record };
  delete copy[key];
  return copy;
}

/** Initial state, also used by tests to reset the store. */
export function initialWorkspaceState(): Pick<
  WorkspaceState,
  | 'series'
  | 'timeframe'
  | 'overlaysOn'
  | 'overlayFamilies'
  | 'theme'
  | 'layout'
  | 'features'
  | 'markers'
  | 'priceLines'
  | 'focus'
> {
  return {
    series: null,
    timeframe: null,
    overlaysOn: false,
    overlayFamilies: Object.fromEntries(OVERLAY_FAMILIES.map((f) => [f, true])) as Record<OverlayFamily, boolean>,
    theme: storedTheme(),
    layout: 'single',
    features: { resample: contractHasResampling(), detections: contractHasDetections() },
    markers: {},
    priceLines: {},
    focus: null,
  };
}

/** The workspace store. */
export const useWorkspaceStore = create<WorkspaceState>()((set, get) => ({
  ...initialWorkspaceState(),
  selectSeries: (series) => {
    if (get().series?.seriesId === series.seriesId) {
      set({ series });
      return;
    }
    set({ series, timeframe: series.interval, markers: {}, priceLines: {}, focus: null });
  },
  setTimeframe: (timeframe) => set({ timeframe }),
  setOverlaysOn: (overlaysOn) => set({ overlaysOn }),
  toggleOverlayFamily: (family) =>
    set((s) => ({ overlayFamilies: { ...s.overlayFamilies, [family]: !s.overlayFamilies[family] } })),
  setTheme: (theme) => {
    try {
      globalThis.localStorage?.setItem(THEME_STORAGE_KEY, theme);
    } catch {
      // Not remembered when storage is disabled; the switch still applies now.
    }
    set({ theme });
  },
  setLayout: (layout) => set({ layout }),
  disableFeature: (feature) => set((s) => ({ features: { ...s.features, [feature]: false } })),
  setMarkers: (kind, markers) =>
    set((s) => ({ markers: markers.length === 0 ? withoutKey(s.markers, kind) : { ...s.markers, [kind]: markers } })),
  setPriceLines: (kind, lines) =>
    set((s) => ({
      priceLines: lines.length === 0 ? withoutKey(s.priceLines, kind) : { ...s.priceLines, [kind]: lines },
    })),
  focusOn: (time) => set((s) => ({ focus: { time, nonce: (s.focus?.nonce ?? 0) + 1 } })),
}));

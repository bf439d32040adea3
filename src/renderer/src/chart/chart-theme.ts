import { ColorType, type DeepPartial, type ChartOptions } from 'lightweight-charts';

/** The two UI themes. */
export type Theme = 'dark' | 'light';

/** Colours the chart needs per theme; canvas drawing cannot read CSS variables. */
export interface ChartPalette {
  readonly background: string;
  readonly text: string;
  readonly grid: string;
  readonly border: string;
  readonly up: string;
  readonly down: string;
  readonly volumeUp: string;
  readonly volumeDown: string;
}

/** Palettes matching the CSS variables of styles.css. */
export const CHART_PALETTES: Readonly<Record<Theme, ChartPalette>> = {
  dark: {
    background: '#0f1419',
    text: '#c7d0d9',
    grid: '#1c232b',
    border: '#2a3441',
    up: '#26a69a',
    down: '#ef5350',
    volumeUp: 'rgba(38, 166, 154, 0.35)',
    volumeDown: 'rgba(239, 83, 80, 0.35)',
  },
  light: {
    background: '#ffffff',
    text: '#1f2933',
    grid: '#eef1f4',
    border: '#cbd2d9',
    up: '#0f9d8a',
    down: '#d64545',
    volumeUp: 'rgba(15, 157, 138, 0.3)',
    volumeDown: 'rgba(214, 69, 69, 0.3)',
  },
};

/** Chart options that depend on the theme. */
export function chartThemeOptions(palette: ChartPalette): DeepPartial<ChartOptions> {
  return {
    layout: {
      background: { type: ColorType.Solid, color: palette.background },
      textColor: palette.text,
      // The built-in logo injects a <style> element, which the CSP forbids; the attribution
      // the library's licence asks for is in the status bar instead.
      attributionLogo: false,
    },
    grid: { vertLines: { color: palette.grid }, horzLines: { color: palette.grid } },
    rightPriceScale: { borderColor: palette.border },
    timeScale: { borderColor: palette.border },
  };
}

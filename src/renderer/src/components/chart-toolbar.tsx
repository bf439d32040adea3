import type { KeyboardEvent } from 'react';
import { TIMEFRAMES, type Timeframe } from '../../../shared/values/timeframe.ts';
import { OVERLAY_FAMILIES, OVERLAY_LABELS } from '../chart/detection-overlays.ts';
import { useWorkspaceStore } from '../state/workspace-store.ts';

/** Props of {@link ChartToolbar}. */
export interface ChartToolbarProps {
  /** Timeframes the loaded series can be shown in; the others are shown disabled. */
  readonly valid: readonly Timeframe[];
  /** Context timeframe of the two-chart layout, or null when there is none above the selected one. */
  readonly higher: Timeframe | null;
}

/**
 * Arrow keys move between the enabled buttons of a group (Home/End to its ends), as in a
 * toolbar; Tab still reaches every button in order, and Enter or Space presses it.
 */
function moveFocus(event: KeyboardEvent<HTMLElement>): void {
  const keys = ['ArrowLeft', 'ArrowRight', 'Home', 'End'];
  if (!keys.includes(event.key)) return;
  const buttons = [...event.currentTarget.querySelectorAll<HTMLButtonElement>('button:not(:disabled)')];
  const at = buttons.indexOf(document.activeElement as HTMLButtonElement);
  if (at < 0 || buttons.length === 0) return;
  const next =
    event.key === 'Home'
      ? 0
      : event.key === 'End'
        ? buttons.length - 1
        : (at + (event.key === 'ArrowRight' ? 1 : -1) + buttons.length) % buttons.length;
  buttons[next]?.focus();
  event.preventDefault();
}

/** Timeframe switcher, detection overlays, layout and theme. Everything goes through the workspace store. */
export function ChartToolbar({ valid, higher }: ChartToolbarProps) {
  const timeframe = useWorkspaceStore((s) => s.timeframe);
  const setTimeframe = useWorkspaceStore((s) => s.setTimeframe);
  const overlaysOn = useWorkspaceStore((s) => s.overlaysOn);
  const setOverlaysOn = useWorkspaceStore((s) => s.setOverlaysOn);
  const families = useWorkspaceStore((s) => s.overlayFamilies);
  const toggleFamily = useWorkspaceStore((s) => s.toggleOverlayFamily);
  const detections = useWorkspaceStore((s) => s.features.detections);
  const layout = useWorkspaceStore((s) => s.layout);
  const setLayout = useWorkspaceStore((s) => s.setLayout);
  const theme = useWorkspaceStore((s) => s.theme);
  const setTheme = useWorkspaceStore((s) => s.setTheme);
  const nextTheme = theme === 'dark' ? 'light' : 'dark';

  return (
    <div className="chart-toolbar" role="toolbar" aria-label="Chart" data-testid="chart-toolbar">
      <div className="toolbar-group" role="group" aria-label="Timeframe" onKeyDown={moveFocus}>
        {TIMEFRAMES.map((tf) => {
          const enabled = valid.includes(tf);
          return (
            <button
              key={tf}
              type="button"
              className="tool-button"
              aria-pressed={tf === timeframe}
              disabled={!enabled}
              title={enabled ? `Show ${tf} bars` : `${tf} is not available for this series`}
              data-testid={`timeframe-${tf}`}
              onClick={() => setTimeframe(tf)}
            >
              {tf}
            </button>
          );
        })}
      </div>
      {detections && (
        <div className="toolbar-group" role="group" aria-label="Detection overlays" onKeyDown={moveFocus}>
          <button
            type="button"
            className="tool-button"
            aria-pressed={overlaysOn}
            data-testid="overlays-toggle"
            title="Draw what the detection engine sees"
            onClick={() => setOverlaysOn(!overlaysOn)}
          >
            Overlays
          </button>
          {OVERLAY_FAMILIES.map((family) => (
            <button
              key={family}
              type="button"
              className="tool-button tool-button-sub"
              aria-pressed={families[family]}
              disabled={!overlaysOn}
              data-testid={`overlay-${family}`}
              onClick={() => toggleFamily(family)}
            >
              {OVERLAY_LABELS[family]}
            </button>
          ))}
        </div>
      )}
      <div className="toolbar-group toolbar-end" role="group" aria-label="View" onKeyDown={moveFocus}>
        <button
          type="button"
          className="tool-button"
          aria-pressed={layout === 'dual'}
          disabled={higher === null}
          data-testid="layout-toggle"
          title={higher ? `Show ${higher} above the selected timeframe` : 'No higher timeframe for this series'}
          onClick={() => setLayout(layout === 'dual' ? 'single' : 'dual')}
        >
          Two charts
        </button>
        <button
          type="button"
          className="tool-button"
          aria-label={`Switch to ${nextTheme} theme`}
          data-testid="theme-toggle"
          onClick={() => setTheme(nextTheme)}
        >
          {theme === 'dark' ? 'Light' : 'Dark'} theme
        </button>
      </div>
    </div>
  );
}

/**
 * A progress bar with its value for assistive technology: `done` of `total` `unit` (bars of
 * a backtest, backtests of a sweep).
 */
export function ProgressBar({
  done,
  total,
  label = 'Backtest progress',
  unit = 'bars',
  testId = 'backtest-progress',
}: {
  readonly done: number;
  readonly total: number;
  readonly label?: string;
  readonly unit?: string;
  readonly testId?: string;
}) {
  const pct = total > 0 ? Math.min(100, Math.max(0, Math.round((done / total) * 100))) : 0;
  return (
    <div
      className="progress"
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={pct}
      aria-valuetext={
        total > 0 ? `${done.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} ${unit}` : 'Starting'
      }
      data-testid={testId}
    >
      {/* SVG geometry, not a style attribute: the CSP allows no inline styles. */}
      <svg className="progress-track" viewBox="0 0 100 6" preserveAspectRatio="none" aria-hidden="true">
        <rect className="progress-fill" x="0" y="0" height="6" width={pct} />
      </svg>
      <span className="progress-text">{pct} %</span>
    </div>
  );
}

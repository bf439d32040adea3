/** Size and margins of a chart, in SVG user units. */
interface Frame {
  readonly width: number;
  readonly height: number;
  /** Left margin (axis labels). */
  readonly padX: number;
  /** Top and bottom margins. */
  readonly padY: number;
}

const FRAME: Frame = { width: 960, height: 260, padX: 72, padY: 28 };

/** Escapes text for HTML and SVG. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

/**
 * Reduces a series to at most `buckets` × 2 points, keeping each bucket's lowest and highest
 * value in time order, so the chart keeps every spike and dip of the full series.
 */
export function downsample(x: ArrayLike<number>, y: ArrayLike<number>, buckets = 800): { x: number[]; y: number[] } {
  const n = Math.min(x.length, y.length);
  if (n <= buckets * 2)
    return {
      x: Array.from({ length: n }, (_, i) => x[i] as number),
      y: Array.from({ length: n }, (_, i) => y[i] as number),
    };
  const outX: number[] = [];
  const outY: number[] = [];
  for (let b = 0; b < buckets; b++) {
    const from = Math.floor((b * n) / buckets);
    const to = Math.floor(((b + 1) * n) / buckets);
    let lo = from;
    let hi = from;
    for (let i = from; i < to; i++) {
      if ((y[i] as number) < (y[lo] as number)) lo = i;
      if ((y[i] as number) > (y[hi] as number)) hi = i;
    }
    for (const i of lo <= hi ? [lo, hi] : [hi, lo]) {
      outX.push(x[i] as number);
      outY.push(y[i] as number);
    }
  }
  return { x: outX, y: outY };
}

function axisLabels(min: number, max: number, frame: Frame, format: (v: number) => string): string {
  const lines: string[] = [];
  for (let k = 0; k <= 4; k++) {
    const v = min + ((max - min) * k) / 4;
    const y = frame.height - frame.padY - ((frame.height - 2 * frame.padY) * k) / 4;
    lines.push(
      `<line x1="${frame.padX}" x2="${frame.width - 8}" y1="${fmt(y)}" y2="${fmt(y)}" class="grid"/>`,
      `<text x="${frame.padX - 6}" y="${fmt(y + 4)}" text-anchor="end">${escapeHtml(format(v))}</text>`,
    );
  }
  return lines.join('');
}

function timeLabels(x0: number, x1: number, frame: Frame): string {
  const parts: string[] = [];
  for (let k = 0; k <= 4; k++) {
    const t = x0 + ((x1 - x0) * k) / 4;
    const x = frame.padX + ((frame.width - frame.padX - 8) * k) / 4;
    const anchor = k === 0 ? 'start' : k === 4 ? 'end' : 'middle';
    parts.push(
      `<text x="${fmt(x)}" y="${frame.height - frame.padY + 18}" text-anchor="${anchor}">${new Date(t).toISOString().slice(0, 10)}</text>`,
    );
  }
  return parts.join('');
}

/** A line (or filled area down to zero) over time, as an inline SVG element. */
export function timeSeriesSvg(
  title: string,
  time: ArrayLike<number>,
  values: ArrayLike<number>,
  options: { area?: boolean; format: (v: number) => string; className: string },
): string {
  const { x, y } = downsample(time, values);
  if (x.length === 0) return '';
  let min = Math.min(...y);
  let max = Math.max(...y);
  if (options.area) max = Math.max(max, 0);
  if (options.area) min = Math.min(min, 0);
  if (max === min) max = min + 1;
  const frame = FRAME;
  const x0 = x[0] as number;
  const x1 = x[x.length - 1] as number;
  const spanX = x1 - x0 || 1;
  const px = (t: number) => frame.padX + ((t - x0) / spanX) * (frame.width - frame.padX - 8);
  const py = (v: number) => frame.height - frame.padY - ((v - min) / (max - min)) * (frame.height - 2 * frame.padY);
  let d = '';
  for (let i = 0; i < x.length; i++) d += `${i === 0 ? 'M' : 'L'}${fmt(px(x[i] as number))},${fmt(py(y[i] as number))}`;
  if (options.area) d += `L${fmt(px(x1))},${fmt(py(0))}L${fmt(px(x0))},${fmt(py(0))}Z`;
  return `<figure><figcaption>${escapeHtml(title)}</figcaption><svg viewBox="0 0 ${frame.width} ${frame.height}" role="img" aria-label="${escapeHtml(title)}">${axisLabels(min, max, frame, options.format)}${timeLabels(x0, x1, frame)}<path d="${d}" class="${options.className}"/></svg></figure>`;
}

/** A histogram of `values` (e.g. trade returns) in `bins` equal bins, as an inline SVG element. */
export function histogramSvg(
  title: string,
  values: ArrayLike<number>,
  format: (v: number) => string,
  bins = 40,
): string {
  const n = values.length;
  if (n === 0) return `<figure><figcaption>${escapeHtml(title)}</figcaption><p class="empty">No trades.</p></figure>`;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    min = Math.min(min, values[i] as number);
    max = Math.max(max, values[i] as number);
  }
  if (max === min) max = min + 1e-9;
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < n; i++) {
    const b = Math.min(bins - 1, Math.floor((((values[i] as number) - min) / (max - min)) * bins));
    counts[b] = (counts[b] as number) + 1;
  }
  const top = Math.max(...counts);
  const frame = FRAME;
  const w = (frame.width - frame.padX - 8) / bins;
  const bars = counts
    .map((c, b) => {
      const h = ((frame.height - 2 * frame.padY) * c) / top;
      const lo = min + ((max - min) * b) / bins;
      const cls = lo + (max - min) / bins / 2 >= 0 ? 'gain' : 'loss';
      return `<rect x="${fmt(frame.padX + b * w)}" y="${fmt(frame.height - frame.padY - h)}" width="${fmt(Math.max(1, w - 1))}" height="${fmt(h)}" class="${cls}"><title>${escapeHtml(`${format(lo)} … ${format(lo + (max - min) / bins)}: ${c}`)}</title></rect>`;
    })
    .join('');
  const ticks = [0, 0.25, 0.5, 0.75, 1]
    .map((k) => {
      const x = frame.padX + (frame.width - frame.padX - 8) * k;
      const anchor = k === 0 ? 'start' : k === 1 ? 'end' : 'middle';
      return `<text x="${fmt(x)}" y="${frame.height - frame.padY + 18}" text-anchor="${anchor}">${escapeHtml(format(min + (max - min) * k))}</text>`;
    })
    .join('');
  return `<figure><figcaption>${escapeHtml(title)}</figcaption><svg viewBox="0 0 ${frame.width} ${frame.height}" role="img" aria-label="${escapeHtml(title)}">${axisLabels(0, top, frame, (v) => String(Math.round(v)))}${ticks}${bars}</svg></figure>`;
}

import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** A rectangle in screen coordinates (Electron's `Rectangle`). */
export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** What is remembered about the main window between runs. */
export interface SavedWindowState {
  /** The normal (not maximized) bounds, so un-maximizing after a restart goes somewhere sensible. */
  readonly bounds: Rect;
  readonly maximized: boolean;
}

/** The part of Electron's `Display` that placement needs. */
export interface DisplayLike {
  /** The display minus taskbars and docks. */
  readonly workArea: Rect;
}

/** Size used when nothing usable was saved, and the smallest size a window may have. */
export interface WindowSizeDefaults {
  readonly width: number;
  readonly height: number;
  readonly minWidth: number;
  readonly minHeight: number;
}

/** Where to open the window. No `x`/`y` means "let the OS centre it". */
export interface RestoredBounds {
  readonly x?: number;
  readonly y?: number;
  readonly width: number;
  readonly height: number;
  readonly maximized: boolean;
}

export const DEFAULT_WINDOW_SIZE: WindowSizeDefaults = { width: 1400, height: 900, minWidth: 900, minHeight: 600 };

/** Limit on saved coordinates: anything larger is corruption, not a real desktop. */
const MAX_COORDINATE = 1_000_000;

const isCoordinate = (v: unknown): v is number =>
  typeof v === 'number' && Number.isFinite(v) && Math.abs(v) <= MAX_COORDINATE;
const isSize = (v: unknown): v is number => isCoordinate(v) && v > 0;

/** Parses what was read from disk; anything malformed gives null (the defaults are used). */
export function parseWindowState(raw: unknown): SavedWindowState | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const { bounds, maximized } = raw as { bounds?: unknown; maximized?: unknown };
  if (typeof bounds !== 'object' || bounds === null) return null;
  const { x, y, width, height } = bounds as Record<string, unknown>;
  if (!isCoordinate(x) || !isCoordinate(y) || !isSize(width) || !isSize(height)) return null;
  return {
    bounds: { x: Math.round(x), y: Math.round(y), width: Math.round(width), height: Math.round(height) },
    maximized: maximized === true,
  };
}

function overlapArea(a: Rect, b: Rect): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

function centreDistance(a: Rect, b: Rect): number {
  return Math.hypot(a.x + a.width / 2 - (b.x + b.width / 2), a.y + a.height / 2 - (b.y + b.height / 2));
}

const clamp = (value: number, min: number, max: number) => Math.min(Math.max(value, min), max);

/**
 * Where to reopen the window, given what was saved and the displays connected now. The
 * window goes on the display it overlaps most (or the nearest one if it is off every screen,
 * e.g. a monitor was unplugged), shrunk to fit that display's work area and moved so it is
 * entirely inside it. Nothing saved, or no displays known: the default size, centred.
 */
export function restoreBounds(
  saved: SavedWindowState | null,
  displays: readonly DisplayLike[],
  defaults: WindowSizeDefaults = DEFAULT_WINDOW_SIZE,
): RestoredBounds {
  const areas = displays.map((d) => d.workArea).filter((a) => isSize(a.width) && isSize(a.height));
  if (!saved || areas.length === 0) {
    return { width: defaults.width, height: defaults.height, maximized: false };
  }
  const wanted = saved.bounds;
  let area = areas[0] as Rect;
  let best = -1;
  for (const candidate of areas) {
    const overlap = overlapArea(wanted, candidate);
    if (overlap > best) [area, best] = [candidate, overlap];
  }
  if (best === 0) {
    area = areas.reduce((a, b) => (centreDistance(wanted, b) < centreDistance(wanted, a) ? b : a));
  }
  // Never smaller than the minimum, unless the display itself is smaller.
  const width = Math.min(Math.max(wanted.width, Math.min(defaults.minWidth, area.width)), area.width);
  const height = Math.min(Math.max(wanted.height, Math.min(defaults.minHeight, area.height)), area.height);
  return {
    x: clamp(wanted.x, area.x, area.x + area.width - width),
    y: clamp(wanted.y, area.y, area.y + area.height - height),
    width,
    height,
    maximized: saved.maximized,
  };
}

/** Reads the saved state; a missing, unreadable or corrupt file gives null. */
export function loadWindowState(file: string): SavedWindowState | null {
  try {
    return parseWindowState(JSON.parse(readFileSync(file, 'utf8')));
  } catch {
    return null;
  }
}

/** Writes the state atomically (temporary file, then rename), so a crash never leaves half a file. */
export function saveWindowState(file: string, state: SavedWindowState): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(state)}\n`);
  renameSync(tmp, file);
}

/** The part of a BrowserWindow that state tracking uses. */
export interface TrackedWindowLike {
  on(event: 'resize' | 'move' | 'maximize' | 'unmaximize' | 'close' | 'closed', listener: () => void): unknown;
  getNormalBounds(): Rect;
  isMaximized(): boolean;
  isMinimized(): boolean;
  isDestroyed(): boolean;
}

/** Timer functions, injectable for tests. */
export interface TimerLike {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realTimers: TimerLike = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** Options for {@link trackWindowState}. */
export interface TrackWindowStateOptions {
  readonly save: (state: SavedWindowState) => void;
  /** Quiet time after the last move/resize before writing. */
  readonly debounceMs?: number;
  readonly timers?: TimerLike;
  readonly log?: (message: string) => void;
}

/**
 * Saves the window's state when it moves, resizes, maximizes or un-maximizes, at most once
 * per `debounceMs` of quiet (dragging fires dozens of events a second), and at once when the
 * window closes. A minimized window is not saved (its bounds are meaningless to restore).
 *
 * @returns a function that writes any pending change now
 */
export function trackWindowState(window: TrackedWindowLike, options: TrackWindowStateOptions): () => void {
  const timers = options.timers ?? realTimers;
  const debounceMs = options.debounceMs ?? 500;
  let timer: unknown = null;
  let last: SavedWindowState | null = null;

  const capture = () => {
    if (window.isDestroyed() || window.isMinimized()) return;
    last = { bounds: window.getNormalBounds(), maximized: window.isMaximized() };
  };
  const flush = () => {
    if (timer !== null) {
      timers.clearTimeout(timer);
      timer = null;
    }
    if (!last) return;
    const state = last;
    last = null;
    try {
      options.save(state);
    } catch (error) {
      options.log?.(`could not save the window state: ${(error as Error).message}`);
    }
  };
  const schedule = () => {
    capture();
    if (timer !== null) timers.clearTimeout(timer);
    timer = timers.setTimeout(() => {
      timer = null;
      flush();
    }, debounceMs);
  };

  for (const event of ['resize', 'move', 'maximize', 'unmaximize'] as const) window.on(event, schedule);
  window.on('close', () => {
    capture();
    flush();
  });
  return flush;
}

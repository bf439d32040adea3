import type { MessageBoxOptions } from 'electron';
import { Events } from '../shared/contract/events.ts';
import type { EventMessage } from '../shared/contract/protocol.ts';

/** Button index of "Restart HyperDesk" in the engine-failed dialog. */
export const RESTART_BUTTON = 0;

/**
 * The dialog for an engine event, or null when the event needs none. Only the supervisor's
 * crash events qualify: `EngineRestarted` (the engine came back by itself; the user should
 * check open orders) and `EngineFailed` (it crashed too often and is stopped).
 */
export function engineAlert(event: EventMessage, appName = 'HyperDesk'): MessageBoxOptions | null {
  if (event.event === 'EngineRestarted') {
    const parsed = Events.EngineRestarted.safeParse(event.payload);
    const reason = parsed.success ? parsed.data.reason : 'unknown';
    return {
      type: 'warning',
      title: `${appName} engine restarted`,
      message: 'The trading engine stopped unexpectedly and was restarted.',
      detail:
        `Reason: ${reason}. Requests in progress at the time were cancelled; data and settings ` +
        'were reloaded from disk. Check your open orders and positions before continuing.',
      buttons: ['OK'],
      defaultId: 0,
      noLink: true,
    };
  }
  if (event.event === 'EngineFailed') {
    const parsed = Events.EngineFailed.safeParse(event.payload);
    const reason = parsed.success ? parsed.data.reason : 'unknown';
    return {
      type: 'error',
      title: `${appName} engine stopped`,
      message: 'The trading engine crashed repeatedly and was stopped.',
      detail:
        `Last error: ${reason}. Orders already on the exchange stay there: check them on the ` +
        `exchange. Restart ${appName}; if this keeps happening, please report it with the log.`,
      buttons: [`Restart ${appName}`, 'Close'],
      defaultId: RESTART_BUTTON,
      cancelId: 1,
      noLink: true,
    };
  }
  return null;
}

/** Options for {@link watchEngineCrashes}. */
export interface WatchEngineCrashesOptions<W> {
  readonly engine: { onEvent(listener: (event: EventMessage) => void): () => void };
  /** Shows a dialog, attached to `window` when there is one; must not block. */
  readonly showMessageBox: (window: W | null, options: MessageBoxOptions) => Promise<{ response: number }>;
  /** The window to attach dialogs to, if any. */
  readonly getWindow: () => W | null;
  /** Called when the user picks "Restart" in the engine-failed dialog. */
  readonly relaunch: () => void;
  readonly appName?: string;
  readonly log?: (message: string) => void;
}

/**
 * Tells the user when the engine worker crashes, without ever blocking the main process: the
 * dialog is shown asynchronously and the event listener returns at once, so IPC, the window
 * and the supervisor's restart keep running while it is open. At most one dialog per kind is
 * open at a time (a crash loop does not stack dialogs); an `EngineFailed` is always shown.
 *
 * @returns the unsubscribe function
 */
export function watchEngineCrashes<W>(options: WatchEngineCrashesOptions<W>): () => void {
  const open = new Set<string>();
  return options.engine.onEvent((event) => {
    const alert = engineAlert(event, options.appName);
    if (!alert || open.has(event.event)) return;
    open.add(event.event);
    let shown: Promise<{ response: number }>;
    try {
      shown = options.showMessageBox(options.getWindow(), alert);
    } catch (error) {
      open.delete(event.event);
      options.log?.(`could not show the ${event.event} dialog: ${(error as Error).message}`);
      return;
    }
    // Deliberately not awaited: the listener (and the main process) carries on.
    void shown
      .then(({ response }) => {
        if (event.event === 'EngineFailed' && response === RESTART_BUTTON) options.relaunch();
      })
      .catch((error: unknown) => options.log?.(`the ${event.event} dialog failed: ${(error as Error).message}`))
      .finally(() => open.delete(event.event));
  });
}

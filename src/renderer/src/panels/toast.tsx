import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';

/** One message on screen. */
interface Toast {
  readonly id: number;
  readonly title: string;
  readonly message: string;
  readonly tone: 'error' | 'info';
}

/** Shows a toast; errors stay until dismissed, information goes after a few seconds. */
export type ShowToast = (toast: { title: string; message: string; tone?: 'error' | 'info' }) => void;

const ToastContext = createContext<ShowToast | null>(null);

const INFO_MS = 6_000;
const MAX_TOASTS = 4;

/** The toast function of the nearest {@link ToastProvider}. */
export function useToast(): ShowToast {
  const show = useContext(ToastContext);
  if (!show) throw new Error('useToast needs a ToastProvider');
  return show;
}

function ToastItem({ toast, onDismiss }: { readonly toast: Toast; readonly onDismiss: (id: number) => void }) {
  useEffect(() => {
    if (toast.tone !== 'info') return;
    const timer = setTimeout(() => onDismiss(toast.id), INFO_MS);
    return () => clearTimeout(timer);
  }, [toast, onDismiss]);
  return (
    <div
      className={`toast toast-${toast.tone}`}
      role={toast.tone === 'error' ? 'alert' : 'status'}
      data-testid="toast"
      onKeyDown={(e) => {
        if (e.key === 'Escape') onDismiss(toast.id);
      }}
    >
      <div className="toast-body">
        <strong className="toast-title">{toast.title}</strong>
        <span className="toast-message">{toast.message}</span>
      </div>
      <button
        type="button"
        className="toast-close"
        aria-label={`Dismiss: ${toast.title}`}
        onClick={() => onDismiss(toast.id)}
      >
        ×
      </button>
    </div>
  );
}

/**
 * Holds the toasts of the panels and draws them in a corner stack. An error toast is an
 * ARIA alert (read out at once); the newest is at the bottom; at most four are kept.
 */
export function ToastProvider({ children }: { readonly children: ReactNode }) {
  const [toasts, setToasts] = useState<readonly Toast[]>([]);
  const nextId = useRef(1);
  const dismiss = useCallback((id: number) => setToasts((list) => list.filter((t) => t.id !== id)), []);
  const show = useCallback<ShowToast>(({ title, message, tone = 'error' }) => {
    const id = nextId.current++;
    setToasts((list) => [...list, { id, title, message, tone }].slice(-MAX_TOASTS));
  }, []);
  const value = useMemo(() => show, [show]);
  return (
    <ToastContext.Provider value={value}>
      {children}
      <div className="toast-stack" aria-live="polite">
        {toasts.map((t) => (
          <ToastItem key={t.id} toast={t} onDismiss={dismiss} />
        ))}
      </div>
    </ToastContext.Provider>
  );
}

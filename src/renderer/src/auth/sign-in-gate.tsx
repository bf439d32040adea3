import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import iconUrl from '../../../../resources/icon.svg';
import { connectWebClient, suspendWebClient } from '../client/create-client.ts';
import { useEngineClient } from '../client/engine-context.ts';
import { fetchSessionStatus, signIn, signOut, type Principal } from './auth-api.ts';
import './sign-in.css';

/** Connection detail while the client is held back for want of a session. */
const SIGNED_OUT = 'signed out';

type GateState =
  | { readonly kind: 'checking' }
  | { readonly kind: 'signed-out'; readonly notice: string | null }
  /** `principal` is null when the server needs no sign-in (nothing to sign out of). */
  | { readonly kind: 'ready'; readonly principal: Principal | null };

/**
 * Shows the sign-in screen before the app when the server requires a token (web mode only),
 * then lets the engine client connect. When the session ends later (signed out, expired,
 * server restarted), it shows the screen again.
 */
export function SignInGate({ enabled, children }: { readonly enabled: boolean; readonly children: ReactNode }) {
  const [state, setState] = useState<GateState>(enabled ? { kind: 'checking' } : { kind: 'ready', principal: null });
  const client = useEngineClient();

  useEffect(() => {
    if (!enabled) {
      connectWebClient();
      return;
    }
    let current = true;
    fetchSessionStatus().then(
      (status) => {
        if (!current) return;
        if (!status.authRequired || status.principal) {
          connectWebClient();
          setState({ kind: 'ready', principal: status.authRequired ? status.principal : null });
        } else {
          setState({ kind: 'signed-out', notice: null });
        }
      },
      (error: unknown) => {
        if (current) setState({ kind: 'signed-out', notice: `Cannot reach the server: ${(error as Error).message}` });
      },
    );
    return () => {
      current = false;
    };
  }, [enabled]);

  // A dropped connection may be a session that ended: ask, and sign in again if so.
  useEffect(() => {
    if (!enabled) return;
    return client.onStatus((status, detail) => {
      if (status !== 'reconnecting' || detail === SIGNED_OUT) return;
      void fetchSessionStatus()
        .then((s) => {
          if (s.authRequired && !s.principal) {
            suspendWebClient(SIGNED_OUT);
            setState({ kind: 'signed-out', notice: 'Your session ended. Sign in again.' });
          }
        })
        .catch(() => undefined);
    });
  }, [enabled, client]);

  if (state.kind === 'ready') {
    const principal = state.principal;
    return (
      <>
        {children}
        {principal && (
          <div className="session-badge" data-testid="session-badge">
            <span title="Signed in with this API token's name and role">
              {principal.name} · {principal.role}
            </span>
            <button
              type="button"
              className="session-sign-out"
              onClick={() => {
                // Drop the connection first, so the server closing it is not taken for an expiry.
                suspendWebClient(SIGNED_OUT);
                void signOut().finally(() => setState({ kind: 'signed-out', notice: 'Signed out.' }));
              }}
            >
              Sign out
            </button>
          </div>
        )}
      </>
    );
  }
  if (state.kind === 'checking') return <div className="sign-in-screen" aria-busy="true" />;
  return (
    <SignInForm
      notice={state.notice}
      onSignedIn={(principal) => {
        connectWebClient();
        setState({ kind: 'ready', principal });
      }}
    />
  );
}

function SignInForm({
  notice,
  onSignedIn,
}: {
  readonly notice: string | null;
  readonly onSignedIn: (principal: Principal | null) => void;
}) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const value = token.trim();
    if (!value) {
      setError('Enter your API token.');
      return;
    }
    setBusy(true);
    setError(null);
    signIn(value)
      .then((status) => {
        // The token is not kept: the server's HttpOnly cookie stands for it from here on.
        setToken('');
        onSignedIn(status.principal);
      })
      .catch((e: unknown) => {
        setError((e as Error).message);
        setBusy(false);
      });
  };

  return (
    <div className="sign-in-screen">
      <form className="sign-in-card" onSubmit={submit} data-testid="sign-in-form" aria-labelledby="sign-in-title">
        <div className="sign-in-brand">
          <img src={iconUrl} alt="" className="app-logo" />
          <h1 id="sign-in-title">HyperDesk</h1>
        </div>
        <p className="muted">This server requires an API token. Ask its administrator for one.</p>
        {notice && (
          <p className="sign-in-notice" role="status">
            {notice}
          </p>
        )}
        <label htmlFor="sign-in-token">API token</label>
        <input
          id="sign-in-token"
          data-testid="sign-in-token"
          type="password"
          autoComplete="off"
          spellCheck={false}
          value={token}
          onChange={(e) => setToken(e.target.value)}
          disabled={busy}
          autoFocus
        />
        {error && (
          <p className="sign-in-error" role="alert" data-testid="sign-in-error">
            {error}
          </p>
        )}
        <button type="submit" className="sign-in-button" disabled={busy} data-testid="sign-in-submit">
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <p className="sign-in-hint muted">
          The token is exchanged for a browser-session cookie scripts cannot read; it is not stored in this page.
        </p>
      </form>
    </div>
  );
}

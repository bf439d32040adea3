import {
  mainnetConfirmationPhrase,
  StartTradingSessionSchema,
  type StartTradingSession,
  type TradingNetwork,
} from '../../../shared/contract/trading.ts';

/** The session start form's fields, as typed. */
export interface StartForm {
  readonly mode: 'paper' | 'live';
  readonly network: TradingNetwork;
  readonly apiUrl: string;
  readonly coin: string;
  readonly capital: string;
  /** Live: the account traded when the stored key is an agent's; empty for the key's own. */
  readonly account: string;
  /** Live on mainnet: the typed confirmation phrase. */
  readonly confirmation: string;
}

/** True when the form would start real trading on mainnet (and so needs the typed phrase). */
export function needsMainnetPhrase(form: StartForm): boolean {
  return form.mode === 'live' && form.network === 'mainnet';
}

/** The phrase to type for `form`'s coin (shown next to the field). */
export function phraseFor(form: StartForm): string {
  return mainnetConfirmationPhrase(form.coin.trim() === '' ? 'COIN' : form.coin);
}

/**
 * The StartTradingSession request of `form`, checked against the contract (the engine checks it
 * again), or the problems by field. Empty optional fields are left out.
 */
export function startRequest(
  form: StartForm,
): { ok: true; request: StartTradingSession } | { ok: false; errors: Partial<Record<keyof StartForm, string>> } {
  const live = form.mode === 'live';
  const raw = {
    mode: form.mode,
    coin: form.coin.trim(),
    network: form.network,
    apiUrl: form.network === 'custom' ? form.apiUrl.trim() : undefined,
    account: live && form.account.trim() !== '' ? form.account.trim() : undefined,
    capital: !live && form.capital.trim() !== '' ? form.capital.trim() : undefined,
    confirmation: needsMainnetPhrase(form) ? form.confirmation : undefined,
  };
  const parsed = StartTradingSessionSchema.safeParse(raw);
  if (parsed.success) return { ok: true, request: parsed.data };
  const errors: Partial<Record<keyof StartForm, string>> = {};
  for (const issue of parsed.error.issues) {
    const key = String(issue.path[0] ?? 'coin') as keyof StartForm;
    errors[key] ??= issue.message;
  }
  return { ok: false, errors };
}

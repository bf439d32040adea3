import { useCallback, useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { isCommandName } from '../../../shared/contract/commands.ts';
import { SECRET_NAMES, type SecretName, type SettingsView } from '../../../shared/contract/settings.ts';
import { useEngineClient } from '../client/engine-context.ts';
import { useToast } from '../panels/toast.tsx';
import {
  SECRET_LABELS,
  formFromSettings,
  isFormDirty,
  secretInputProblem,
  secretStatusText,
  validateSettingsForm,
  type SettingsErrors,
  type SettingsField,
  type SettingsForm,
} from './settings-model.ts';
import './settings.css';

/** The Settings tab's panel (kept mounted; the settings are reloaded each time it is shown). */
export function SettingsTabPanel({ hidden }: { readonly hidden: boolean }) {
  return (
    <div role="tabpanel" id="tabpanel-settings" aria-labelledby="tab-settings" hidden={hidden} className="tabpanel">
      {isCommandName('GetSettings') ? (
        <SettingsPanel active={!hidden} />
      ) : (
        <p className="muted">This engine has no settings.</p>
      )}
    </div>
  );
}

/**
 * The trader's settings: network, account, risk limits, fees, Claude model, data folder (one
 * explicit Save, every field validated with the contract's schemas and its error shown beside
 * it), and the two keys, which are only ever sent: the panel shows whether each is set.
 */
export function SettingsPanel({ active }: { readonly active: boolean }) {
  const client = useEngineClient();
  const toast = useToast();
  const [view, setView] = useState<SettingsView | null>(null);
  const [form, setForm] = useState<SettingsForm | null>(null);
  const [errors, setErrors] = useState<SettingsErrors>({});
  const [saving, setSaving] = useState(false);
  const isDirty = view !== null && form !== null && isFormDirty(form, view.settings);
  // Read by `show` (called from events) to keep unsaved edits when the settings change elsewhere.
  const dirty = useRef(false);
  useEffect(() => {
    dirty.current = isDirty;
  }, [isDirty]);

  /** Shows `next`; the form follows it unless the trader has unsaved edits. */
  const show = useCallback((next: SettingsView, force: boolean) => {
    setView(next);
    if (force || !dirty.current) {
      setForm(formFromSettings(next.settings));
      setErrors({});
    }
  }, []);

  useEffect(() => {
    if (!active) return;
    client
      .request('GetSettings', {})
      .then((next) => show(next, false))
      .catch((error: unknown) => toast({ title: 'Settings not loaded', message: (error as Error).message }));
  }, [active, client, show, toast]);

  // Another window (or the CLI through the engine) changed them.
  useEffect(() => client.on('SettingsChanged', ({ at: _at, ...next }) => show(next, false)), [client, show]);

  if (view === null || form === null) return <p className="note">Loading settings…</p>;

  const set = (patch: Partial<SettingsForm>) => setForm((f) => (f ? { ...f, ...patch } : f));

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const checked = validateSettingsForm(form);
    setErrors(checked.errors);
    if (!checked.patch) {
      toast({ title: 'Settings not saved', message: 'Correct the fields marked in red.' });
      return;
    }
    setSaving(true);
    client
      .request('UpdateSettings', checked.patch)
      .then((next) => {
        show(next, true);
        toast({ title: 'Settings saved', message: 'New sessions and learning jobs use them.', tone: 'info' });
      })
      .catch((error: unknown) => toast({ title: 'Settings not saved', message: (error as Error).message }))
      .finally(() => setSaving(false));
  };

  const field = (key: SettingsField, label: string, input: ReactNode, hint?: string) => (
    <div className={`field${errors[key] ? ' field-invalid' : ''}`}>
      <label htmlFor={`settings-${key}`}>{label}</label>
      {input}
      {hint && (
        <span className="hint" id={`settings-${key}-hint`}>
          {hint}
        </span>
      )}
      {errors[key] && (
        <span className="field-error" id={`settings-${key}-error`} data-testid={`settings-${key}-error`}>
          {errors[key]}
        </span>
      )}
    </div>
  );
  const text = (key: SettingsField, options: { inputMode?: 'decimal' | 'url'; placeholder?: string } = {}) => {
    const hintId = `settings-${key}-hint`;
    return (
      <input
        type="text"
        id={`settings-${key}`}
        data-testid={`settings-${key}`}
        value={form[key]}
        spellCheck={false}
        autoComplete="off"
        inputMode={options.inputMode}
        placeholder={options.placeholder}
        aria-invalid={errors[key] !== undefined}
        aria-describedby={errors[key] ? `settings-${key}-error` : hintId}
        onChange={(e) => set({ [key]: e.target.value })}
      />
    );
  };

  return (
    <section className="panel-body settings-panel" aria-label="Settings" data-testid="settings-panel">
      {view.problems.length > 0 && (
        <div className="settings-problems" role="alert">
          {view.problems.map((p) => (
            <p key={p}>{p}</p>
          ))}
        </div>
      )}
      <form onSubmit={onSubmit} aria-label="Settings" noValidate>
        <fieldset>
          <legend>Network</legend>
          <RadioChoice
            name="network"
            label="Network"
            options={['testnet', 'mainnet', 'custom'] as const}
            value={form.network}
            labelOf={(kind) => (kind === 'custom' ? 'custom API' : kind)}
            onChange={(network) => set({ network })}
          />
          {form.network === 'mainnet' && (
            <p className="settings-warning" role="note">
              Mainnet trades real money.
            </p>
          )}
          {form.network === 'custom' &&
            field(
              'apiUrl',
              'API URL',
              text('apiUrl', { inputMode: 'url', placeholder: 'http://127.0.0.1:8080' }),
              'A proxy or a local hl-sim.',
            )}
          {field(
            'accountAddress',
            'Account address',
            text('accountAddress', { placeholder: '0x…' }),
            'The account that holds the funds (0x and 40 hex digits). Public, not a key.',
          )}
        </fieldset>

        <fieldset>
          <legend>Risk limits</legend>
          <div className="field-row">
            {field('riskPercent', 'Risk per trade (%)', text('riskPercent', { inputMode: 'decimal' }))}
            {field('maxLeverage', 'Max leverage (×)', text('maxLeverage', { inputMode: 'decimal' }))}
          </div>
          <div className="field-row">
            {field('dailyLossLimit', 'Daily loss limit ($)', text('dailyLossLimit', { inputMode: 'decimal' }))}
            {field('maxPositionNotional', 'Max notional ($)', text('maxPositionNotional', { inputMode: 'decimal' }))}
          </div>
          {field('maxOpenPositions', 'Max open positions', text('maxOpenPositions', { inputMode: 'decimal' }))}
        </fieldset>

        <fieldset>
          <legend>Fees</legend>
          <RadioChoice
            name="fees"
            label="Fees"
            options={['venue', 'custom'] as const}
            value={form.fees}
            labelOf={(source) => (source === 'venue' ? 'from venue' : 'fixed (bps)')}
            onChange={(fees) => set({ fees })}
          />
          {form.fees === 'custom' && (
            <div className="field-row">
              {field('makerBps', 'Maker (bps)', text('makerBps', { inputMode: 'decimal', placeholder: '1.5' }))}
              {field('takerBps', 'Taker (bps)', text('takerBps', { inputMode: 'decimal', placeholder: '4.5' }))}
            </div>
          )}
        </fieldset>

        <fieldset>
          <legend>Learning</legend>
          {field(
            'claudeModel',
            'Claude model',
            <select
              id="settings-claudeModel"
              data-testid="settings-claudeModel"
              value={form.claudeModel}
              aria-invalid={errors.claudeModel !== undefined}
              onChange={(e) => set({ claudeModel: e.target.value })}
            >
              <option value="">default ({view.defaultClaudeModel})</option>
              {view.claudeModels.map((m) => (
                <option key={m} value={m}>
                  {m}
                </option>
              ))}
            </select>,
          )}
        </fieldset>

        <fieldset>
          <legend>Data folder</legend>
          {field(
            'dataDir',
            'Folder',
            text('dataDir', { placeholder: view.dataDirInUse ?? 'default' }),
            `Applies on next start; a new folder starts with an empty database (copy hyperdesk.db there to keep your data). In use now: ${view.dataDirInUse ?? 'in-memory store'}.`,
          )}
        </fieldset>

        <div className="actions">
          <button type="submit" className="primary" disabled={saving} data-testid="settings-save">
            {saving ? 'Saving…' : 'Save settings'}
          </button>
          <button
            type="button"
            disabled={saving || !isDirty}
            data-testid="settings-revert"
            onClick={() => show(view, true)}
          >
            Revert
          </button>
        </div>
      </form>

      <SecretsSection view={view} onChanged={(next) => show(next, false)} />
    </section>
  );
}

/** The keys: status, a password field to set or replace one, and delete. Values are never shown. */
/** One of a few choices as segmented radio buttons (`settings-<name>` group, `settings-<name>-<option>` test ids). */
function RadioChoice<T extends string>({
  name,
  label,
  options,
  value,
  labelOf,
  onChange,
}: {
  readonly name: string;
  readonly label: string;
  readonly options: readonly T[];
  readonly value: T;
  readonly labelOf: (option: T) => string;
  readonly onChange: (option: T) => void;
}) {
  return (
    <div className="segmented" role="radiogroup" aria-label={label}>
      {options.map((option) => (
        <label key={option} className="radio">
          <input
            type="radio"
            name={`settings-${name}`}
            value={option}
            checked={value === option}
            data-testid={`settings-${name}-${option}`}
            onChange={() => onChange(option)}
          />
          {labelOf(option)}
        </label>
      ))}
    </div>
  );
}

function SecretsSection({
  view,
  onChanged,
}: {
  readonly view: SettingsView;
  readonly onChanged: (view: SettingsView) => void;
}) {
  return (
    <fieldset className="settings-secrets" data-testid="settings-secrets">
      <legend>Keys</legend>
      <p className="hint">
        Kept in {view.secretStore.describe}
        {view.secretStore.writable ? '' : ' (read-only here)'}. HyperDesk never shows a key once saved.
      </p>
      {SECRET_NAMES.map((name) => (
        <SecretRow key={name} name={name} view={view} onChanged={onChanged} />
      ))}
    </fieldset>
  );
}

function SecretRow({
  name,
  view,
  onChanged,
}: {
  readonly name: SecretName;
  readonly view: SettingsView;
  readonly onChanged: (view: SettingsView) => void;
}) {
  const client = useEngineClient();
  const toast = useToast();
  // Uncontrolled on purpose: the key lives only in the input element until it is sent, never in
  // React state or a DOM attribute, and the element is emptied as soon as it is sent.
  const input = useRef<HTMLInputElement>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const status = view.secrets[name] ?? 'unavailable';
  const id = `settings-secret-${name}`;

  const refresh = () =>
    client
      .request('GetSettings', {})
      .then(onChanged)
      .catch(() => undefined);

  const save = () => {
    const element = input.current;
    if (!element) return;
    const value = element.value;
    const problem = secretInputProblem(name, value);
    setError(problem);
    if (problem) return;
    setBusy(true);
    element.value = '';
    client
      .request('SetSecret', { name, value })
      .then(() => {
        toast({ title: 'Key saved', message: `${SECRET_LABELS[name]} is set.`, tone: 'info' });
        return refresh();
      })
      .catch((e: unknown) => toast({ title: 'Key not saved', message: (e as Error).message }))
      .finally(() => setBusy(false));
  };

  const remove = () => {
    setBusy(true);
    client
      .request('DeleteSecret', { name })
      .then((answer) => {
        toast({
          title: 'Key deleted',
          message: answer.deleted ? `${SECRET_LABELS[name]} was removed.` : `${SECRET_LABELS[name]} was not set.`,
          tone: 'info',
        });
        return refresh();
      })
      .catch((e: unknown) => toast({ title: 'Key not deleted', message: (e as Error).message }))
      .finally(() => setBusy(false));
  };

  return (
    <div className={`field secret-row${error ? ' field-invalid' : ''}`} data-testid={`${id}-row`}>
      <label htmlFor={id}>
        {SECRET_LABELS[name]}:{' '}
        <span className={`secret-status secret-${status}`} data-testid={`${id}-status`}>
          {secretStatusText(status)}
        </span>
      </label>
      <div className="secret-controls">
        <input
          ref={input}
          id={id}
          type="password"
          data-testid={id}
          autoComplete="new-password"
          spellCheck={false}
          placeholder={status === 'set' ? 'type a new key to replace it' : 'paste the key'}
          aria-invalid={error !== null}
          aria-describedby={error ? `${id}-error` : undefined}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              save();
            }
          }}
        />
        <button type="button" className="primary" disabled={busy} onClick={save} data-testid={`${id}-save`}>
          {status === 'set' ? 'Replace' : 'Save key'}
        </button>
        <button
          type="button"
          disabled={busy || status !== 'set'}
          onClick={remove}
          data-testid={`${id}-delete`}
          aria-label={`Delete the ${SECRET_LABELS[name]}`}
        >
          Delete
        </button>
      </div>
      {error && (
        <span className="field-error" id={`${id}-error`} role="alert">
          {error}
        </span>
      )}
    </div>
  );
}

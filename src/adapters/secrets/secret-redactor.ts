/**
 * Every secret value this process has read, so text leaving it (logs, CLI errors) can be
 * scrubbed as a last line of defence. Code must not put secrets into text in the first place;
 * this catches the mistake where it would be worst, in a log line that outlives the process.
 */
const known = new Set<string>();

/** Remembers `value` as secret (values shorter than 8 characters are not worth matching). */
export function rememberSecret(value: string): void {
  const trimmed = value.trim();
  if (trimmed.length < 8) return;
  known.add(trimmed);
  // A hex key also travels without its 0x prefix, and in either case.
  if (/^0x[0-9a-fA-F]+$/.test(trimmed)) known.add(trimmed.slice(2));
}

/** `text` with every remembered secret replaced by "[redacted]" (case-insensitive). */
export function redactSecrets(text: string): string {
  let out = text;
  for (const secret of known) {
    const lower = out.toLowerCase();
    const needle = secret.toLowerCase();
    let at = lower.indexOf(needle);
    if (at < 0) continue;
    let result = '';
    let from = 0;
    while (at >= 0) {
      result += `${out.slice(from, at)}[redacted]`;
      from = at + needle.length;
      at = lower.indexOf(needle, from);
    }
    out = result + out.slice(from);
  }
  return out;
}

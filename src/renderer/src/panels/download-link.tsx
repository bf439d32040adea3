import { useEffect, useMemo } from 'react';

/**
 * A link that downloads `text` as a file through a Blob URL: the same in a browser and in
 * Electron (which saves it through its download handler). The URL is revoked when the text
 * changes or the link goes away. No script fetches the blob: the CSP forbids that.
 */
export function DownloadLink({
  text,
  type,
  filename,
  label,
  testId,
}: {
  readonly text: string;
  readonly type: string;
  readonly filename: string;
  readonly label: string;
  readonly testId: string;
}) {
  const url = useMemo(() => URL.createObjectURL(new Blob([text], { type })), [text, type]);
  useEffect(() => () => URL.revokeObjectURL(url), [url]);
  return (
    <a className="link-button" href={url} download={filename} data-testid={testId}>
      {label}
    </a>
  );
}

/** A file name part made safe: letters, digits, dot, dash and underscore only. */
export function fileSafe(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'run';
}

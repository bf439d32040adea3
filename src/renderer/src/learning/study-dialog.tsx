import { useEffect, useRef, type ReactNode } from 'react';

/**
 * The frame of a study view: a modal dialog over a backdrop (Escape closes it) with the rule's
 * name and where it was read, a Close button that has the focus when the view opens, and the
 * rule's quote; the view's own content below.
 */
export function StudyDialog({
  className,
  attributes,
  title,
  where,
  quote,
  onClose,
  children,
}: {
  /** Classes of the dialog besides `study-view`. */
  readonly className?: string;
  /** Its `data-` attributes: the test id and what it shows. */
  readonly attributes: Readonly<Record<`data-${string}`, string | number>>;
  /** The rule's name. */
  readonly title: string;
  /** The source and the place in it, after the name. */
  readonly where: string;
  readonly quote: string;
  readonly onClose: () => void;
  readonly children: ReactNode;
}) {
  const closeRef = useRef<HTMLButtonElement | null>(null);

  useEffect(() => closeRef.current?.focus(), []);

  return (
    <div
      className="study-backdrop"
      onKeyDown={(e) => {
        if (e.key === 'Escape') onClose();
      }}
    >
      <div
        className={className ? `study-view ${className}` : 'study-view'}
        role="dialog"
        aria-modal="true"
        aria-labelledby="study-title"
        {...attributes}
      >
        <div className="study-head">
          <h2 id="study-title">
            {title} <span className="muted">— {where}</span>
          </h2>
          <button ref={closeRef} type="button" onClick={onClose} data-testid="study-close">
            Close
          </button>
        </div>
        <blockquote className="study-quote">“{quote}”</blockquote>
        {children}
      </div>
    </div>
  );
}

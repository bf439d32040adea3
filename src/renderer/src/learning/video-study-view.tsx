import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { CommandResponse } from '../../../shared/contract/commands.ts';
import type { RuleSummary } from '../../../shared/contract/knowledge-commands.ts';
import { useEngineClient } from '../client/engine-context.ts';
import { useToast } from '../panels/toast.tsx';
import { formatSeconds } from './citation.ts';
import { StudyDialog } from './study-dialog.tsx';
import { citedCueIndex, nearestKeyframeIndex, stripIndexAfterKey, stripWindow } from './study-model.ts';

type Media = CommandResponse<'GetSourceMedia'>;

/** Keyframes loaded on each side of the selected one (each is one request for a data URL). */
const STRIP_RADIUS = 6;

/** A keyframe image: its data URL, null when the engine could not send it, undefined while loading. */
type Images = ReadonlyMap<number, string | null>;

/**
 * The study view of a rule read in a video (or a subtitle file): the keyframe strip of the
 * source (the frame nearest the cited moment selected; click or arrow keys move), the selected
 * frame large, the transcript with the cited cue highlighted and scrolled into view, and the
 * source's rules with the studied one marked (click another to study it). Keyframes come from
 * the knowledge base as data URLs, the only image source the app's policy allows besides its
 * own files. Escape or Close returns.
 */
export function VideoStudyView({ rule, onClose }: { readonly rule: RuleSummary; readonly onClose: () => void }) {
  const client = useEngineClient();
  const toast = useToast();
  const [current, setCurrent] = useState(rule);
  const { citation } = current;
  const seconds = citation.timestamp ?? 0;
  const [media, setMedia] = useState<Media | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [rules, setRules] = useState<readonly RuleSummary[]>([]);
  const [selected, setSelected] = useState(-1);
  const [images, setImages] = useState<Images>(new Map());
  const requested = useRef(new Set<number>());
  const citedCueRef = useRef<HTMLLIElement | null>(null);
  const stripRef = useRef<HTMLDivElement | null>(null);

  useEffect(() => {
    let live = true;
    client
      .request('GetSourceMedia', { sourceId: rule.citation.sourceId })
      .then((answer) => {
        if (!live) return;
        setMedia(answer);
        // The cited moment picks the frame.
        setSelected(nearestKeyframeIndex(answer.keyframes, rule.citation.timestamp ?? 0));
      })
      .catch((e: unknown) => {
        if (!live) return;
        setError((e as Error).message);
        toast({ title: 'Video not loaded', message: (e as Error).message });
      });
    client
      .request('ListRules', { sourceId: rule.citation.sourceId })
      .then((answer) => {
        if (live) setRules(answer.rules);
      })
      .catch((e: unknown) => {
        if (live) toast({ title: 'Rules not loaded', message: (e as Error).message });
      });
    return () => {
      live = false;
    };
  }, [client, toast, rule.citation.sourceId, rule.citation.timestamp]);

  // Images of the frames around the selected one, each asked for once.
  useEffect(() => {
    if (!media || selected < 0) return;
    let live = true;
    for (const i of stripWindow(selected, media.keyframes.length, STRIP_RADIUS)) {
      const timestamp = media.keyframes[i]?.timestamp;
      if (timestamp === undefined || requested.current.has(timestamp)) continue;
      requested.current.add(timestamp);
      client
        .request('GetKeyframeImage', { sourceId: media.sourceId, timestamp })
        .then((answer) => setImages((m) => new Map(m).set(timestamp, answer.dataUrl)))
        .catch((e: unknown) => {
          setImages((m) => new Map(m).set(timestamp, null));
          if (live) toast({ title: 'Keyframe not loaded', message: (e as Error).message });
        });
    }
    return () => {
      live = false;
    };
  }, [client, toast, media, selected]);

  const cues = media?.cues ?? [];
  const cited = citedCueIndex(cues, seconds, citation.quote);

  useEffect(() => {
    citedCueRef.current?.scrollIntoView({ block: 'center' });
  }, [cited, media]);

  useEffect(() => {
    stripRef.current?.querySelector('[aria-selected="true"]')?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }, [selected]);

  const keyframes = media?.keyframes ?? [];
  const frame = selected >= 0 ? keyframes[selected] : undefined;
  const frameImage = frame ? images.get(frame.timestamp) : undefined;

  const onStripKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const next = stripIndexAfterKey(e.key, selected, keyframes.length);
    if (next === null) return;
    e.preventDefault();
    setSelected(next);
  };

  return (
    <StudyDialog
      className="video-study"
      attributes={{
        'data-testid': 'video-study-view',
        'data-state': error ? 'error' : media ? 'ready' : 'loading',
        'data-selected-time': frame?.timestamp ?? '',
      }}
      title={current.name}
      where={`${media?.name ?? 'video'}, ${formatSeconds(seconds)}`}
      quote={citation.quote}
      onClose={onClose}
    >
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      {!media && !error && <p className="note">Loading the video’s keyframes and transcript…</p>}
      {media && (
        <>
          {keyframes.length === 0 ? (
            <p className="note">
              {media.kind === 'subtitles'
                ? 'This rule was read in a subtitle file: there are no pictures, only the transcript.'
                : 'No keyframes were kept from this video.'}
            </p>
          ) : (
            <div
              ref={stripRef}
              className="keyframe-strip"
              role="listbox"
              aria-label={`Keyframes of ${media.name}`}
              aria-orientation="horizontal"
              tabIndex={0}
              onKeyDown={onStripKey}
              data-testid="keyframe-strip"
            >
              {keyframes.map((k, i) => {
                const url = images.get(k.timestamp);
                return (
                  <div
                    key={k.timestamp}
                    role="option"
                    aria-selected={i === selected}
                    className="keyframe-thumb"
                    data-testid="keyframe-thumb"
                    data-time={k.timestamp}
                    onClick={() => setSelected(i)}
                  >
                    {url ? (
                      <img src={url} alt={`Frame at ${formatSeconds(k.timestamp)}`} />
                    ) : (
                      <span className="keyframe-missing">{url === null ? 'no image' : '…'}</span>
                    )}
                    <span className="keyframe-time">{formatSeconds(k.timestamp)}</span>
                  </div>
                );
              })}
            </div>
          )}
          <div className="study-body">
            {frame && (
              <figure className="keyframe-large">
                {frameImage ? (
                  <img
                    src={frameImage}
                    alt={`${media.name} at ${formatSeconds(frame.timestamp)}`}
                    data-testid="keyframe-large"
                  />
                ) : (
                  <p className="note">
                    {frameImage === null
                      ? 'This frame’s image is gone from the keyframe folder (or is too large to send).'
                      : 'Loading the frame…'}
                  </p>
                )}
                <figcaption className="muted">
                  Frame at {formatSeconds(frame.timestamp)}
                  {citation.timestamp !== null && ` · cited moment ${formatSeconds(citation.timestamp)}`}
                </figcaption>
              </figure>
            )}
            <div className="video-side">
              <h3>Transcript</h3>
              {cues.length === 0 ? (
                <p className="note">This video has no transcript.</p>
              ) : (
                <ol className="transcript" aria-label={`Transcript of ${media.name}`} data-testid="transcript">
                  {cues.map((cue, i) => (
                    <li
                      key={`${cue.time}-${i}`}
                      ref={i === cited ? citedCueRef : undefined}
                      className={i === cited ? 'cue cue-cited' : 'cue'}
                      aria-current={i === cited ? 'true' : undefined}
                      data-testid={i === cited ? 'cue-cited' : 'cue'}
                      data-time={cue.time}
                    >
                      <span className="cue-time">{formatSeconds(cue.time)}</span>{' '}
                      {i === cited ? <mark>{cue.text}</mark> : cue.text}
                    </li>
                  ))}
                </ol>
              )}
              {media.truncated && <p className="note">Only the first keyframes and cues are shown.</p>}
              <h3>Rules from this source</h3>
              <ul className="source-rules" data-testid="source-rules">
                {rules.map((r) => (
                  <li key={r.id} className={r.id === current.id ? 'source-rule-cited' : undefined}>
                    <button
                      type="button"
                      className="link-button"
                      aria-current={r.id === current.id ? 'true' : undefined}
                      data-testid={r.id === current.id ? 'source-rule-cited' : 'source-rule'}
                      data-rule-id={r.id}
                      onClick={() => {
                        // Another rule of the source: its moment picks the frame again.
                        setCurrent(r);
                        setSelected(nearestKeyframeIndex(keyframes, r.citation.timestamp ?? 0));
                      }}
                    >
                      {r.citation.timestamp !== null ? `${formatSeconds(r.citation.timestamp)} ` : ''}
                      {r.name}
                    </button>
                  </li>
                ))}
              </ul>
            </div>
          </div>
        </>
      )}
    </StudyDialog>
  );
}

import { ValidationError } from '../../shared/contract/errors.ts';

/**
 * Splits a streamed top-level JSON array into its elements without holding the whole text:
 * `[[1,2],[3,4]]` may arrive in chunks of any size, and each element is parsed on its own.
 * Only the element being scanned is buffered, up to `maxElement` characters.
 */
export class JsonArrayScanner {
  private started = false;
  private ended = false;
  private inElement = false;
  /** Element is an array or object (ends at its closing bracket) rather than a bare value. */
  private container = false;
  private depth = 0;
  private inString = false;
  private escaped = false;
  private buffer = '';
  private count = 0;
  /** Between entries: what the next non-blank character may be. */
  private expect: 'entry-or-end' | 'comma-or-end' | 'entry' = 'entry-or-end';
  private readonly maxElement: number;

  constructor(maxElement: number) {
    this.maxElement = maxElement;
  }

  /** Feeds the next chunk; calls `onElement` with each complete element and its 1-based index. */
  push(text: string, onElement: (element: unknown, index: number) => void): void {
    let segment = this.inElement ? 0 : -1;
    for (let i = 0; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      if (!this.started) {
        if (isSpace(ch)) continue;
        if (ch !== 0x5b) throw new ValidationError('expected a JSON array');
        this.started = true;
        continue;
      }
      if (this.ended) {
        if (!isSpace(ch)) throw new ValidationError('unexpected data after the end of the JSON array');
        continue;
      }
      if (!this.inElement) {
        if (isSpace(ch)) continue;
        if (this.expect === 'comma-or-end') {
          if (ch === 0x2c) this.expect = 'entry';
          else if (ch === 0x5d) this.ended = true;
          else throw new ValidationError(`a comma is missing after entry ${this.count}`);
          continue;
        }
        if (ch === 0x5d && this.expect === 'entry-or-end') {
          this.ended = true;
          continue;
        }
        if (ch === 0x2c || ch === 0x5d) throw new ValidationError(`entry ${this.count + 1} is empty (a stray comma)`);
        this.inElement = true;
        this.container = ch === 0x5b || ch === 0x7b;
        this.depth = this.container ? 1 : 0;
        this.inString = ch === 0x22;
        this.escaped = false;
        segment = i;
        continue;
      }
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (ch === 0x5c) this.escaped = true;
        else if (ch === 0x22) this.inString = false;
        continue;
      }
      if (ch === 0x22) {
        this.inString = true;
      } else if (ch === 0x5b || ch === 0x7b) {
        this.depth++;
      } else if (ch === 0x5d || ch === 0x7d) {
        if (this.container) {
          this.depth--;
          if (this.depth === 0) {
            this.emit(this.buffer + text.slice(segment, i + 1), onElement);
            segment = -1;
          }
        } else if (ch === 0x5d) {
          this.emit(this.buffer + text.slice(segment, i), onElement);
          segment = -1;
          this.ended = true;
        }
      } else if (ch === 0x2c && !this.container) {
        this.emit(this.buffer + text.slice(segment, i), onElement);
        segment = -1;
        this.expect = 'entry';
      }
    }
    if (this.inElement && segment >= 0) {
      this.buffer += text.slice(segment);
      if (this.buffer.length > this.maxElement) {
        throw new ValidationError(`entry ${this.count + 1} is longer than ${this.maxElement} characters`);
      }
    }
  }

  /** Checks that the array was closed. */
  end(): void {
    if (!this.started || !this.ended) throw new ValidationError('the JSON array is not closed (truncated file?)');
  }

  private emit(text: string, onElement: (element: unknown, index: number) => void): void {
    this.buffer = '';
    this.inElement = false;
    this.expect = 'comma-or-end';
    this.count++;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      value = undefined;
    }
    onElement(value, this.count);
  }
}

function isSpace(ch: number): boolean {
  return ch === 0x20 || ch === 0x0a || ch === 0x0d || ch === 0x09;
}

/**
 * How `gpc export` shows a running job: a bar redrawn in place on a terminal, one plain line per change
 * of progress otherwise (a log or a CI job would fill with carriage returns).
 */

export interface Progress {
  readonly done: number;
  readonly total: number;
}

/** X-Progress as this provider sends it ("120/1000 patients"), or undefined for free text. */
export function parseProgress(header: string | undefined): Progress | undefined {
  const m = header === undefined ? null : /^\s*(\d+)\s*\/\s*(\d+)/.exec(header);
  if (!m) return undefined;
  const done = Number(m[1]);
  const total = Number(m[2]);
  return total > 0 && done <= total ? { done, total } : undefined;
}

export function elapsedText(ms: number): string {
  const s = Math.floor(ms / 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return s >= 3600
    ? `${Math.floor(s / 3600)}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}`
    : `${Math.floor(s / 60)}:${pad(s % 60)}`;
}

/** `[##########--------------------]  33%  330/1000 patients  0:12` */
export function renderBar(progress: Progress, elapsedMs: number, width = 30): string {
  const fraction = progress.done / progress.total;
  const filled = Math.round(fraction * width);
  const percent = String(Math.floor(fraction * 100)).padStart(3);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
  return `${bar} ${percent}%  ${progress.done}/${progress.total} patients  ${elapsedText(elapsedMs)}`;
}

/** What the command writes to: lines always; an in-place status line only on a terminal. */
export interface ProgressSink {
  line(text: string): void;
  /** Redraws the status line in place; absent when the output is not a terminal. */
  redraw?(text: string): void;
}

/** Tracks the last report so a plain log gets a line only when something changed. */
export class ProgressReporter {
  private last = '';
  private drawn = false;
  constructor(
    private readonly sink: ProgressSink,
    private readonly startedAt: number,
  ) {}

  report(header: string | undefined, now: number): void {
    const progress = parseProgress(header);
    const elapsed = now - this.startedAt;
    if (this.sink.redraw) {
      const text = progress
        ? renderBar(progress, elapsed)
        : `running: ${header ?? 'no progress given'}  ${elapsedText(elapsed)}`;
      this.sink.redraw(text);
      this.drawn = true;
      return;
    }
    const key = progress ? `${progress.done}/${progress.total}` : (header ?? '');
    if (key === this.last) return;
    this.last = key;
    const percent = progress ? ` (${Math.floor((progress.done / progress.total) * 100)}%)` : '';
    const what = progress ? `${progress.done}/${progress.total} patients${percent}` : (header ?? 'running');
    this.sink.line(`Progress: ${what} after ${elapsedText(elapsed)}`);
  }

  /** Ends the in-place line so what follows starts on a line of its own. */
  finish(): void {
    if (this.drawn) this.sink.line('');
    this.drawn = false;
  }
}

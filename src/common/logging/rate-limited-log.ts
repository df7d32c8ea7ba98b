/** A log line, or a function that builds it (only called when the line is written). */
export type LogLine = string | (() => string);

/**
 * Writes at most one line per interval, so that a client cannot write the log at will. The
 * first line of a quiet period is written at once; the lines that follow within the interval
 * are counted, and when it ends the last of them is written once with that count (which starts
 * the next interval). Suppressed lines cost a counter increment: pass a function to skip
 * building their text.
 */
export class RateLimitedLog {
  private open = false;
  private suppressed = 0;
  private last: LogLine = '';

  constructor(
    private readonly write: (line: string) => void,
    private readonly intervalMs = 1000,
  ) {}

  log(line: LogLine): void {
    if (this.open) {
      this.suppressed++;
      this.last = line;
      return;
    }
    this.emit(line, 0);
  }

  private emit(line: LogLine, suppressed: number): void {
    const text = typeof line === 'string' ? line : line();
    this.write(suppressed === 0 ? text : `${text} (+${suppressed} similar lines not logged)`);
    this.open = true;
    setTimeout(this.closeInterval, this.intervalMs).unref();
  }

  private readonly closeInterval = (): void => {
    this.open = false;
    if (this.suppressed === 0) return;
    const { last, suppressed } = this;
    this.suppressed = 0;
    this.last = '';
    // The last suppressed line stands for all of them: it is the one, they are "more".
    this.emit(last, suppressed - 1);
  };
}

import { Injectable } from '@nestjs/common';

/**
 * The products' counts for operators (GET /metrics). Features call it where the thing happens;
 * it is plain numbers and depends on nothing, so any module may use it (MetricsModule is global).
 */
@Injectable()
export class AppCounters {
  /** Chat messages stored (committed; duplicates of an earlier send not counted). */
  chatMessages = 0;
  /** Stamp-rally `collected` announcements accepted. */
  stampsCollected = 0;

  /** Told of every send batch's statement time (set by the metrics registry). */
  private commitObserver: ((seconds: number) => void) | undefined;

  chatMessagesStored(count: number): void {
    this.chatMessages += count;
  }

  /** A batch of chat sends took `seconds` from its statement's start to its commit. */
  chatBatchCommitted(seconds: number): void {
    this.commitObserver?.(seconds);
  }

  observeChatCommits(observer: (seconds: number) => void): void {
    this.commitObserver = observer;
  }

  stampCollected(): void {
    this.stampsCollected++;
  }
}

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

  chatMessagesStored(count: number): void {
    this.chatMessages += count;
  }

  stampCollected(): void {
    this.stampsCollected++;
  }
}

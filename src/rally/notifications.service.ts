import { Injectable } from '@nestjs/common';
import { type ChannelContext, RealtimeEndpoint, type SocketInfo } from '../realtime/index.js';

/** The topics HoloQuest clients join (`notifications:scans` before the client's rename). */
export const NOTIFICATION_TOPICS = ['notifications', 'notifications:scans'] as const;

/**
 * Targeted notifications: `msg {user_id, message}` is broadcast on the notification topics and
 * each channel's outgoing hook keeps it only for the sockets of that player (the original's
 * intercept). Counts the sockets it reaches on this node.
 */
@Injectable()
export class NotificationsService {
  /** Player id → sockets with a joined notifications channel → channels on that socket. */
  private readonly sockets = new Map<string, Map<SocketInfo, number>>();

  constructor(private readonly realtime: RealtimeEndpoint) {}

  /** Sends `message` to every socket of the player; returns how many sockets it reached. */
  notifyPlayer(playerId: string, message: string): number {
    const payload = { user_id: playerId, message };
    for (const topic of NOTIFICATION_TOPICS) this.realtime.broadcast(topic, 'msg', payload);
    return this.sockets.get(playerId)?.size ?? 0;
  }

  /** Remembers a joined notifications channel until it ends. */
  register(playerId: string, ctx: ChannelContext): void {
    let sockets = this.sockets.get(playerId);
    if (!sockets) this.sockets.set(playerId, (sockets = new Map<SocketInfo, number>()));
    sockets.set(ctx.socket, (sockets.get(ctx.socket) ?? 0) + 1);
    ctx.onTerminate(() => {
      const left = (sockets.get(ctx.socket) ?? 1) - 1;
      if (left > 0) sockets.set(ctx.socket, left);
      else sockets.delete(ctx.socket);
      if (sockets.size === 0 && this.sockets.get(playerId) === sockets)
        this.sockets.delete(playerId);
    });
  }
}

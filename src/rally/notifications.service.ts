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
  /**
   * Player id → the sockets of its joined notifications channels, one entry per channel (a
   * socket joined to both topics is there twice). An array, not a Map: most players have one.
   */
  private readonly sockets = new Map<string, SocketInfo[]>();

  constructor(private readonly realtime: RealtimeEndpoint) {}

  /** Sends `message` to every socket of the player; returns how many sockets it reached. */
  notifyPlayer(playerId: string, message: string): number {
    const payload = { user_id: playerId, message };
    for (const topic of NOTIFICATION_TOPICS) this.realtime.broadcast(topic, 'msg', payload);
    const sockets = this.sockets.get(playerId);
    return sockets === undefined ? 0 : new Set(sockets).size;
  }

  /** Remembers a joined notifications channel until it ends. */
  register(playerId: string, ctx: ChannelContext): void {
    const sockets = this.sockets.get(playerId);
    if (sockets === undefined) this.sockets.set(playerId, [ctx.socket]);
    else sockets.push(ctx.socket);
    ctx.onTerminate(() => this.unregister(playerId, ctx.socket));
  }

  private unregister(playerId: string, socket: SocketInfo): void {
    const sockets = this.sockets.get(playerId);
    if (sockets === undefined) return;
    const at = sockets.indexOf(socket);
    if (at >= 0) sockets.splice(at, 1);
    if (sockets.length === 0) this.sockets.delete(playerId);
  }
}

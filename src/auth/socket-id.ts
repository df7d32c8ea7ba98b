/** The realtime socket id of a chat user: RealtimeEndpoint.disconnect() closes all of them. */
export const chatSocketId = (userId: string): string => `user_socket:${userId}`;

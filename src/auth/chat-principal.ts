/** Who is on a socket opened with a chat access token. */
export class ChatPrincipal {
  constructor(readonly userId: string) {}
}

import { All, Controller, Get, Options, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { parseConnectParams } from '../handshake.js';
import { isAccepted, SocketHandshake } from '../socket-handshake.js';
import { postedLines } from './longpoll-post.js';
import { LongPollSessions } from './longpoll-sessions.js';

function search(req: Request): string {
  const q = req.originalUrl.indexOf('?');
  return q < 0 ? '' : req.originalUrl.slice(q + 1);
}

/** The session token: X-Phoenix-Longpoll-Token, else the last `token` query parameter. */
function sessionToken(req: Request): string | undefined {
  const header = req.headers['x-phoenix-longpoll-token'];
  if (typeof header === 'string' && header !== '') return header;
  const token = parseConnectParams(search(req)).token;
  return typeof token === 'string' ? token : undefined;
}

function reply(res: Response, body: object): void {
  res
    .status(200)
    .set({
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      'access-control-allow-origin': '*',
    })
    .send(JSON.stringify(body));
}

/**
 * Phoenix's LongPoll transport at /socket/longpoll: every answer is HTTP 200 with the logical
 * status in the body (410 new session, 200 messages, 204 nothing, 403 refused).
 */
@ApiExcludeController()
@Controller('socket/longpoll')
export class LongPollController {
  constructor(
    private readonly sessions: LongPollSessions,
    private readonly handshake: SocketHandshake,
  ) {}

  /** Polls the session the token names (on whichever node owns it), or opens one here. */
  @Get()
  async poll(@Req() req: Request, @Res() res: Response): Promise<void> {
    const token = sessionToken(req);
    if (token === undefined) return this.openSession(req, res);
    const abandoned = new AbortController();
    res.on('close', () => abandoned.abort());
    const result = await this.sessions.poll(token, abandoned.signal);
    if (res.writableEnded || abandoned.signal.aborted) return;
    if (result === undefined) return this.openSession(req, res);
    reply(res, { status: result.status, token, messages: result.messages });
  }

  /** Hands the frames to the session the token names, on whichever node owns it. */
  @Post()
  async send(@Req() req: Request, @Res() res: Response): Promise<void> {
    const token = sessionToken(req);
    if (token === undefined) return reply(res, { status: 410 });
    const body = typeof req.body === 'string' ? req.body : JSON.stringify(req.body ?? null);
    const ndjson = (req.headers['content-type'] ?? '').startsWith('application/x-ndjson');
    const status = await this.sessions.post(token, postedLines(body, ndjson), ndjson);
    reply(res, { status });
  }

  @Options()
  preflight(@Req() req: Request, @Res() res: Response): void {
    const requested = req.headers['access-control-request-headers'];
    res
      .status(200)
      .set({
        'access-control-allow-origin': '*',
        'access-control-allow-headers': typeof requested === 'string' ? requested : '',
        'access-control-allow-methods': 'get, post, options',
        'access-control-max-age': '3600',
      })
      .send('');
  }

  @All()
  other(@Res() res: Response): void {
    res.status(400).json({ errors: { detail: 'Bad Request' } });
  }

  private async openSession(req: Request, res: Response): Promise<void> {
    const authToken = req.headers['x-phoenix-authtoken'];
    const result = await this.handshake.evaluate({
      transport: 'longpoll',
      search: search(req),
      origin: req.headers.origin,
      authToken: typeof authToken === 'string' ? authToken : undefined,
      remoteAddress: req.socket.remoteAddress ?? 'unknown',
      userAgent: req.headers['user-agent'],
    });
    if (!isAccepted(result)) {
      // A draining node (503): an empty HTTP 503, which phoenix.js takes for a lost connection
      // and retries (elsewhere, behind a load balancer); any other refusal: status 403.
      if (result.status === 503) return void res.status(503).set('cache-control', 'no-store').end();
      return reply(res, { status: 403 });
    }
    const session = this.sessions.open(result);
    reply(res, { status: 410, token: session.token, messages: [] });
  }
}

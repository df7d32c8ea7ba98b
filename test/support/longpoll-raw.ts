/** A raw LongPoll client (spec §9): GETs and ndjson POSTs, answering the parsed body. */

export interface LongPollBody {
  status: number;
  token?: string;
  messages?: string[];
}

export class LongPollRaw {
  /** `base`: http://host:port/socket/longpoll */
  constructor(private readonly base: string) {}

  async get(query: string, headers: Record<string, string> = {}): Promise<LongPollBody> {
    const res = await fetch(`${this.base}?${query}`, {
      headers: { accept: 'application/json', ...headers },
    });
    return expectLogical(res);
  }

  /** POSTs `lines` as one ndjson body. */
  async post(query: string, lines: string[]): Promise<LongPollBody> {
    return expectLogical(await this.postRaw(query, lines.join('\n')));
  }

  postRaw(query: string, body: string): Promise<Response> {
    return fetch(`${this.base}?${query}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson' },
      body,
    });
  }

  /** Opens a session: its token and the query that names it. */
  async open(params: string): Promise<{ token: string; query: string }> {
    const body = await this.get(`${params}&vsn=2.0.0`);
    if (body.status !== 410 || body.token === undefined)
      throw new Error(`no session opened: ${JSON.stringify(body)}`);
    return { token: body.token, query: `${params}&vsn=2.0.0&token=${body.token}` };
  }
}

/** Every LongPoll answer is HTTP 200; the logical status is in the body. */
async function expectLogical(res: Response): Promise<LongPollBody> {
  if (res.status !== 200) throw new Error(`LongPoll answered HTTP ${res.status}`);
  return (await res.json()) as LongPollBody;
}

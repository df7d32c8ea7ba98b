import { Writable } from 'node:stream';
import { appConfig } from '../../config/app.config.js';
import { createRootLogger } from './root-logger.js';
import { redactUrl } from './redaction.js';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(chunk.toString());
      cb();
    },
  });
  return { lines, stream };
}

describe('root logger', () => {
  it('redacts password and token fields at any depth, and secret headers', () => {
    const { lines, stream } = capture();
    const logger = createRootLogger(appConfig({ LOG_FORMAT: 'json' }), stream);
    logger.info(
      {
        password: 'p-top',
        body: { email: 'a@b.c', password: 'p-nested', new_password_confirmation: 'p-conf' },
        session: { tokens: { refresh_token: 'r-deep', auth_token: 'a-deep' } },
        req: { headers: { authorization: 'Bearer h-secret', cookie: 'c=secret-cookie' } },
      },
      'event',
    );
    const text = lines.join('');
    for (const secret of [
      'p-top',
      'p-nested',
      'p-conf',
      'r-deep',
      'a-deep',
      'h-secret',
      'secret-cookie',
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(JSON.parse(text)).toMatchObject({ body: { email: 'a@b.c', password: '[Redacted]' } });
  });

  it('names the node on every line', () => {
    const { lines, stream } = capture();
    const logger = createRootLogger(appConfig({ LOG_FORMAT: 'json' }), stream, 'node-a');
    logger.info('one');
    logger.child({ context: 'Child' }).warn('two');
    expect(lines.map((line) => (JSON.parse(line) as { node?: string }).node)).toEqual([
      'node-a',
      'node-a',
    ]);
  });

  it('writes JSON lines in production', () => {
    const config = appConfig({ NODE_ENV: 'production' });
    expect(config.logFormat).toBe('json');
    expect(appConfig({}).logFormat).toBe('pretty');
  });
});

describe('redactUrl', () => {
  it('replaces the values of secret query parameters only', () => {
    expect(redactUrl('/socket/websocket?token=abc&vsn=2.0.0')).toBe(
      '/socket/websocket?token=[Redacted]&vsn=2.0.0',
    );
    expect(redactUrl('/x?userToken=u1&password=p&a=1')).toBe(
      '/x?userToken=[Redacted]&password=[Redacted]&a=1',
    );
    expect(redactUrl('/plain')).toBe('/plain');
    expect(redactUrl('/x?&token&%zz=1')).toBe('/x?&token&%zz=1');
  });
});

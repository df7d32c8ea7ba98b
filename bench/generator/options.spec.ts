import { describe, expect, it } from '@jest/globals';
import { OptionsError, parseOptions, wsBase } from './options.js';

const base = ['--target', 'ws', '--workload', 'fanout', '--url', 'http://127.0.0.1:9/'];

describe('parseOptions', () => {
  it('reads flags and applies the defaults', () => {
    const options = parseOptions([...base, '--sockets', '5', '--rate=20', '--duration-ms', '500']);
    expect(options).toMatchObject({
      target: 'ws',
      workload: 'fanout',
      url: 'http://127.0.0.1:9',
      sockets: 5,
      rate: 20,
      durationMs: 500,
      payloadBytes: 100,
      senders: 1,
      graceMs: 2000,
      batchSize: 200,
    });
    expect(wsBase(options.url)).toBe('ws://127.0.0.1:9');
  });

  it('needs no rate or duration for idle, and 1000 sockets by default for chat', () => {
    const idle = [
      '--target',
      'nestling',
      '--workload',
      'idle',
      '--url',
      'http://h',
      '--sockets',
      '3',
    ];
    expect(parseOptions(idle)).toMatchObject({ rate: 0, durationMs: 0, holdMs: 0, awaitGo: false });
    expect(parseOptions([...idle, '--await-go', '1']).awaitGo).toBe(true);
    expect(parseOptions([...idle, '--await-go=0']).awaitGo).toBe(false);
    const chat = ['--target', 'nestling', '--workload', 'chat', '--url', 'http://h'];
    expect(parseOptions([...chat, '--rate', '5', '--duration-ms', '1'])).toMatchObject({
      sockets: 1000,
      groupSize: 5,
      warmupMs: 0,
    });
    const warm = [...chat, '--rate', '5', '--duration-ms', '1', '--warmup-ms', '3000'];
    expect(parseOptions(warm).warmupMs).toBe(3000);
  });

  it('takes the poisoned chat with the chat defaults and the poisoner at half the rate', () => {
    const poisoned = ['--target', 'nestling', '--workload', 'poisoned', '--url', 'http://h'];
    const timed = [...poisoned, '--rate', '1000', '--duration-ms', '1'];
    expect(parseOptions(timed)).toMatchObject({ sockets: 1000, groupSize: 5, poisonRate: 500 });
    expect(parseOptions([...timed, '--poison-rate', '7', '--warmup-ms', '100'])).toMatchObject({
      poisonRate: 7,
      warmupMs: 100,
    });
    expect(
      parseOptions([...base, '--sockets', '2', '--rate', '1', '--duration-ms', '1']).poisonRate,
    ).toBe(0);
    for (const argv of [
      [...timed, '--poison-rate', '0'],
      [
        '--target',
        'ws',
        '--workload',
        'poisoned',
        '--url',
        'http://h',
        '--rate',
        '1',
        '--duration-ms',
        '1',
      ],
      [...base, '--sockets', '2', '--rate', '1', '--duration-ms', '1', '--poison-rate', '5'],
    ]) {
      expect(() => parseOptions(argv)).toThrow(OptionsError);
    }
  });

  it('points the senders at another node with --publisher-url (fan-out on Nestling only)', () => {
    const argv = (line: string) => line.split(' ');
    const nestling = argv(
      '--target nestling --workload fanout --url http://b:2 --sockets 2 --rate 1 --duration-ms 1',
    );
    expect(parseOptions(nestling).publisherUrl).toBeUndefined();
    expect(parseOptions([...nestling, '--publisher-url', 'http://a:1/'])).toMatchObject({
      url: 'http://b:2',
      publisherUrl: 'http://a:1',
      sockets: 2,
    });
    // The senders are sockets of their own there, so they may outnumber the receivers.
    const three = parseOptions([...nestling, '--publisher-url=http://a:1', '--senders', '3']);
    expect(three.senders).toBe(3);
    const elsewhere = ['--publisher-url', 'http://a'];
    const timed = ['--rate', '1', '--duration-ms', '1'];
    for (const [bad, message] of [
      [[...nestling, '--publisher-url', 'a:1'], '--publisher-url must be an http(s) URL'],
      [[...nestling, '--senders', '3'], '--senders exceeds --sockets'],
      [
        [
          ...argv('--target ws --workload fanout --url http://b --sockets 2'),
          ...timed,
          ...elsewhere,
        ],
        '--publisher-url needs --workload fanout and --target nestling',
      ],
      [
        [...argv('--target nestling --workload idle --url http://b --sockets 2'), ...elsewhere],
        '--publisher-url needs --workload fanout and --target nestling',
      ],
    ] as const) {
      expect(() => parseOptions(bad)).toThrow(new OptionsError(message));
    }
  });

  it('refuses what it cannot run', () => {
    const bad = [
      [...base, '--rate', '1', '--duration-ms', '1'],
      [...base, '--sockets', '0', '--rate', '1', '--duration-ms', '1'],
      [...base, '--sockets', '2', '--rate', '1', '--duration-ms', '1', '--senders', '3'],
      [...base, '--sockets', '2', '--rate', '1', '--duration-ms', '1', '--bogus', '1'],
      [...base, '--sockets', '2', '--rate', '1', '--duration-ms', '1', '--await-go', '1'],
      [...base, '--sockets', '2', '--rate', '1', '--duration-ms', '1', '--warmup-ms', '100'],
      [
        '--target',
        'ws',
        '--workload',
        'idle',
        '--url',
        'http://h',
        '--sockets',
        '2',
        '--await-go',
        'yes',
      ],
      [
        '--target',
        'ws',
        '--workload',
        'chat',
        '--url',
        'http://h',
        '--rate',
        '1',
        '--duration-ms',
        '1',
      ],
    ];
    for (const argv of bad) expect(() => parseOptions(argv)).toThrow(OptionsError);
  });

  it('reads the storm and chat probe flags, and refuses them where they do not apply', () => {
    const storm = ['--target', 'nestling', '--workload', 'storm', '--url', 'http://h'];
    expect(parseOptions([...storm, '--sockets', '50'])).toMatchObject({
      rate: 0,
      presenceShare: 0,
      players: 50,
      awaitGo: false,
    });
    const shared = parseOptions([
      ...storm, '--sockets', '50', '--presence-share', '0.1', '--players-file', '/tmp/p.json',
      '--players', '10000', '--await-go', '1',
    ]); // prettier-ignore
    expect(shared).toMatchObject({
      presenceShare: 0.1,
      playersFile: '/tmp/p.json',
      players: 10_000,
      awaitGo: true,
    });
    const probe = ['--target', 'nestling', '--workload', 'chatprobe', '--url', 'http://h'];
    expect(parseOptions(probe)).toMatchObject({
      sockets: 1000,
      steps: [1000, 2000, 3000, 5000, 7000, 10_000],
      stepMs: 4000,
      maxP99Ms: 50,
      rate: 1000,
    });
    expect(parseOptions([...probe, '--steps', '10,20', '--step-ms', '500'])).toMatchObject({
      steps: [10, 20],
      stepMs: 500,
      rate: 10,
    });
    const uws = ['--target', 'uws', '--workload', 'storm', '--url', 'http://h', '--sockets', '5'];
    expect(parseOptions(uws).target).toBe('uws');
    for (const argv of [
      [...storm, '--sockets', '5', '--presence-share', '1.5'],
      [...storm, '--sockets', '5', '--presence-share', 'x'],
      [...uws, '--presence-share', '0.1'],
      [...uws, '--players-file', 'f'],
      [...probe, '--steps', '10,0'],
      [...probe, '--max-p99-ms', '0'],
      [...storm, '--sockets', '5', '--steps', '10'],
      ['--target', 'ws', '--workload', 'chatprobe', '--url', 'http://h'],
    ]) {
      expect(() => parseOptions(argv)).toThrow(OptionsError);
    }
  });
});

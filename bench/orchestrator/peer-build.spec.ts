import { describe, expect, it } from '@jest/globals';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PEERS_OUT_DIR, stalePeers, uwsUnavailable } from './peer-build.js';
import { PEER_SCRIPTS, peerNodeArgs, serverV8Flags } from './processes.js';

describe('the compiled peers', () => {
  it('are stale when missing or older than their source, specs aside', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'peer-build-'));
    try {
      fs.mkdirSync(path.join(root, 'bench/peers'), { recursive: true });
      fs.mkdirSync(path.join(root, PEERS_OUT_DIR), { recursive: true });
      for (const f of ['a.ts', 'b.ts', 'a.spec.ts'])
        fs.writeFileSync(path.join(root, 'bench/peers', f), '');
      expect(stalePeers(root)).toEqual(['a.ts', 'b.ts']);
      fs.writeFileSync(path.join(root, PEERS_OUT_DIR, 'a.js'), '');
      const old = new Date(Date.now() - 60_000);
      fs.writeFileSync(path.join(root, PEERS_OUT_DIR, 'b.js'), '');
      fs.utimesSync(path.join(root, PEERS_OUT_DIR, 'b.js'), old, old);
      expect(stalePeers(root)).toEqual(['b.ts']);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('run by node alone, TypeScript stand-ins under tsx', () => {
    expect(PEER_SCRIPTS.uws).toBe('dist/bench/peers/uws-server.js');
    expect(peerNodeArgs(PEER_SCRIPTS.ws)).toEqual(['dist/bench/peers/ws-server.js']);
    expect(peerNodeArgs('x/fake.ts')).toEqual(['--import', 'tsx', 'x/fake.ts']);
  });

  it("run every server with start:prod's V8 flags, read from package.json", () => {
    expect(serverV8Flags()).toEqual(['--max-semi-space-size=4']);
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'v8-flags-'));
    try {
      const write = (start: string) =>
        fs.writeFileSync(
          path.join(root, 'package.json'),
          JSON.stringify({ scripts: { 'start:prod': start } }),
        );
      write('node --a=1  --b dist/src/main.js');
      expect(serverV8Flags(root)).toEqual(['--a=1', '--b']);
      write('tsx src/main.ts');
      expect(serverV8Flags(root)).toEqual([]);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('say whether uWebSockets.js loads here, and why not', () => {
    expect(uwsUnavailable()).toBeUndefined();
    const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'no-uws-'));
    try {
      expect(uwsUnavailable(elsewhere)).toMatch(/Cannot find module 'uwebsockets'/);
    } finally {
      fs.rmSync(elsewhere, { recursive: true, force: true });
    }
  });
});

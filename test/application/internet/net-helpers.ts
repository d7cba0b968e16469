// Small real-socket helpers shared by the network tests.
import net from 'node:net';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import assert from 'node:assert/strict';
import { Protocol, Factory } from '../../../src/application/protocol.js';
import type { Address } from '../../../src/application/interfaces.js';
import { nodeNetwork, type NetworkBackend } from '../../../src/application/internet/ports.js';

/** Echoes every byte back. */
export class Echo extends Protocol {
  override dataReceived(data: Buffer): void {
    this.transport?.write(data);
  }
}

/** A factory building Echo protocols. */
export function echoFactory(): Factory {
  return Factory.forProtocol(Echo);
}

/** Connects to `target`, writes `payload`, and resolves with what came back once `expectBytes` arrived (or the peer closed). */
export function roundTrip(target: net.NetConnectOpts, payload: string | Buffer, expectBytes = Buffer.byteLength(payload)): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(target);
    const chunks: Buffer[] = [];
    let got = 0;
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error(`round trip to ${JSON.stringify(target)} timed out; got ${Buffer.concat(chunks).toString()}`));
    }, 5000);
    s.on('connect', () => s.write(payload));
    s.on('data', (d) => {
      chunks.push(d);
      got += d.length;
      if (got >= expectBytes) {
        clearTimeout(timer);
        s.end();
        resolve(Buffer.concat(chunks).toString());
      }
    });
    s.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    s.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString());
    });
  });
}

/** Resolves with the error code a connect gets ('ECONNREFUSED'), or 'connected'. */
export function connectOutcome(target: net.NetConnectOpts): Promise<string> {
  return new Promise((resolve) => {
    const s = net.connect(target);
    s.on('connect', () => {
      s.destroy();
      resolve('connected');
    });
    s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });
}

/** A fresh temporary directory, removed by the returned cleanup. */
export function tempDir(prefix = 'tacd-net-'): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** A TCP port that was free a moment ago. */
export async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** Waits until `cond()` is true (polling), or fails after `ms`. */
export async function until(cond: () => boolean, ms = 3000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** The port of an IP address (fails the test for anything else). */
export function tcpPort(a: Address | null): number {
  assert.ok(a !== null && (a.type === 'TCP' || a.type === 'TCP6' || a.type === 'UDP'), `expected an IP address, got ${JSON.stringify(a)}`);
  return a.port;
}

/** A backend that counts listen calls and delegates to the real network. */
export function countingNetwork(): NetworkBackend & { calls: string[] } {
  const calls: string[] = [];
  return {
    ...nodeNetwork,
    calls,
    listenTCP(port, factory, options) {
      calls.push(`listenTCP:${port}`);
      return nodeNetwork.listenTCP(port, factory, options);
    },
  };
}

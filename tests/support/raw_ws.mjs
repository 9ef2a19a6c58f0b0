// A minimal WebSocket client over net.Socket for tests that need what Node's built-in
// WebSocket cannot do: a chosen source address (127.0.0.x, for location by IP) and any
// User-Agent. Client frames are masked (RFC 6455); server text frames are parsed, pings are
// answered. The waiting API (next/type/closed with a deadline) is FrameQueue's, as in WsClient.
import crypto from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';

import { FrameQueue } from './ws.mjs';

export class RawWsClient extends FrameQueue {
  // `tls`: options for tls.connect (e.g. { ca }) to speak wss:// instead of ws://.
  static open({ port, path, localAddress, headers = {}, timeoutMs = 10000, tls: tlsOptions }) {
    return new Promise((resolve, reject) => {
      const c = new RawWsClient();
      const key = crypto.randomBytes(16).toString('base64');
      const socket = tlsOptions
        ? tls.connect({ host: '127.0.0.1', port, localAddress, ...tlsOptions })
        : net.connect({ host: '127.0.0.1', port, localAddress });
      c.socket = socket;
      const timer = setTimeout(() => { socket.destroy(); reject(new Error('upgrade timed out')); }, timeoutMs);
      let head = Buffer.alloc(0);
      let upgraded = false;
      socket.on(tlsOptions ? 'secureConnect' : 'connect', () => {
        const lines = [`GET ${path} HTTP/1.1`, `Host: 127.0.0.1:${port}`, 'Upgrade: websocket', 'Connection: Upgrade',
          `Sec-WebSocket-Key: ${key}`, 'Sec-WebSocket-Version: 13'];
        for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
        socket.write(lines.join('\r\n') + '\r\n\r\n');
      });
      socket.on('data', (chunk) => {
        if (upgraded) { c.feed(chunk); return; }
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) return;
        const status = head.subarray(0, end).toString('latin1').split('\r\n')[0];
        clearTimeout(timer);
        if (!/^HTTP\/1\.1 101/.test(status)) {
          socket.destroy();
          reject(new Error(`upgrade refused: ${status}`));
          return;
        }
        upgraded = true;
        resolve(c);
        if (head.length > end + 4) c.feed(head.subarray(end + 4));
      });
      socket.on('error', (e) => { clearTimeout(timer); if (!upgraded) reject(e); c.closeEvent ??= { code: 1006 }; c.wake(); });
      socket.on('close', () => { c.closeEvent ??= { code: 1006 }; c.wake(); });
    });
  }

  constructor() {
    super();
    this.buf = Buffer.alloc(0);
  }

  feed(chunk) {
    this.buf = Buffer.concat([this.buf, chunk]);
    for (;;) {
      if (this.buf.length < 2) return;
      const op = this.buf[0] & 0x0f;
      let len = this.buf[1] & 0x7f;
      let at = 2;
      if (len === 126) { if (this.buf.length < 4) return; len = this.buf.readUInt16BE(2); at = 4; }
      else if (len === 127) { if (this.buf.length < 10) return; len = Number(this.buf.readBigUInt64BE(2)); at = 10; }
      if (this.buf.length < at + len) return;
      const payload = this.buf.subarray(at, at + len);
      this.buf = this.buf.subarray(at + len);
      if (op === 1) this.frames.push(JSON.parse(payload.toString('utf8')));
      else if (op === 9) this.write(0xa, payload);
      else if (op === 8) this.closeEvent = { code: payload.length >= 2 ? payload.readUInt16BE(0) : 1005 };
      this.wake();
    }
  }

  write(op, payload) {
    const mask = crypto.randomBytes(4);
    const len = payload.length;
    const header = len < 126 ? Buffer.from([0x80 | op, 0x80 | len])
      : len < 65536 ? Buffer.from([0x80 | op, 0x80 | 126, len >> 8, len & 0xff])
        : (() => { const h = Buffer.alloc(10); h[0] = 0x80 | op; h[1] = 0x80 | 127; h.writeBigUInt64BE(BigInt(len), 2); return h; })();
    const body = Buffer.from(payload);
    for (let i = 0; i < body.length; i++) body[i] ^= mask[i % 4];
    this.socket.write(Buffer.concat([header, mask, body]));
  }

  send(frame) {
    this.write(1, Buffer.from(typeof frame === 'string' ? frame : JSON.stringify(frame), 'utf8'));
  }

  close() {
    try { this.write(8, Buffer.from([0x03, 0xe8])); } catch { /* gone */ }
    this.socket.end();
  }
}

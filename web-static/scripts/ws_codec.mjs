// Dev-only: the server side of RFC 6455 for the mock daemons (widget_dev.mjs,
// panel_dev.mjs): unfragmented text frames, close, ping. Not shipped; the real codec is
// the daemon's.
import { createHash } from 'node:crypto';

export function encodeFrame(opcode, payload) {
  const body = Buffer.from(payload);
  let head;
  if (body.length < 126) head = Buffer.from([0x80 | opcode, body.length]);
  else if (body.length < 65536) {
    head = Buffer.alloc(4);
    head[0] = 0x80 | opcode;
    head[1] = 126;
    head.writeUInt16BE(body.length, 2);
  } else {
    head = Buffer.alloc(10);
    head[0] = 0x80 | opcode;
    head[1] = 127;
    head.writeBigUInt64BE(BigInt(body.length), 2);
  }
  return Buffer.concat([head, body]);
}

/** Upgrades the request; onFrame gets each text frame's JSON (malformed JSON is answered with an err). */
export function acceptSocket(req, socket, onFrame, onClose) {
  const key = req.headers['sec-websocket-key'];
  const accept = createHash('sha1').update(key + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
  let buf = Buffer.alloc(0);
  let closed = false;
  const onText = (text) => {
    let f;
    try {
      f = JSON.parse(text);
    } catch {
      return conn.send({ t: 'err', code: 'invalid', message: 'malformed JSON' });
    }
    onFrame(f);
  };
  const conn = {
    send: (obj) => !closed && socket.write(encodeFrame(1, JSON.stringify(obj))),
    close: (code = 1000) => {
      if (closed) return;
      const p = Buffer.alloc(2);
      p.writeUInt16BE(code);
      socket.end(encodeFrame(8, p));
      closed = true;
    },
    kill: () => socket.destroy(),
  };
  socket.on('data', (chunk) => {
    buf = Buffer.concat([buf, chunk]);
    for (;;) {
      if (buf.length < 2) return;
      const opcode = buf[0] & 0x0f;
      let len = buf[1] & 0x7f;
      let off = 2;
      if (len === 126) {
        if (buf.length < 4) return;
        len = buf.readUInt16BE(2);
        off = 4;
      } else if (len === 127) {
        if (buf.length < 10) return;
        len = Number(buf.readBigUInt64BE(2));
        off = 10;
      }
      const masked = (buf[1] & 0x80) !== 0;
      const need = off + (masked ? 4 : 0) + len;
      if (buf.length < need) return;
      const mask = masked ? buf.subarray(off, off + 4) : null;
      const data = Buffer.from(buf.subarray(need - len, need));
      if (mask) for (let i = 0; i < data.length; i++) data[i] ^= mask[i & 3];
      buf = buf.subarray(need);
      if (opcode === 1) onText(data.toString('utf8'));
      else if (opcode === 8) conn.close();
      else if (opcode === 9) socket.write(encodeFrame(10, data));
    }
  });
  socket.on('close', () => {
    closed = true;
    onClose();
  });
  socket.on('error', () => {});
  return conn;
}

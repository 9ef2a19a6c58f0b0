// Dev-only: a "customer site" serving src/widget/dev/host.html from its own origin, plus
// (unless --daemon is given) a mock daemon serving ../build/web/widget and speaking the
// visitor side of the realtime protocol v1 with a scripted operator. Not shipped.
//
//   node scripts/widget_dev.mjs [--site-port 5180] [--port 5181] [--key demo]
//                               [--daemon http://127.0.0.1:8080 --key <widget key>]
// Mock knobs: key "demo" (ru, operator online, typing preview), "demo-en" (English),
// "demo-offline" (nobody online). GET /mock/drop closes every socket; /mock/down?ms=N
// refuses connections for N ms.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { acceptSocket } from './ws_codec.mjs';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const widgetDir = join(root, '..', 'build', 'web', 'widget');

// --- the mock daemon ------------------------------------------------------------------
const sites = {
  demo: { name: 'Demo Shop', language: 'ru', open: true, operators_online: 1, typing_preview: true },
  'demo-en': { name: 'Demo Shop', language: 'en', open: true, operators_online: 2, typing_preview: false },
  'demo-offline': { name: 'Demo Shop', language: 'ru', open: true, operators_online: 0, typing_preview: false },
};
const operator = { kind: 'operator', id: 3, name: 'Анна' };

export function startMock(port, host = '127.0.0.1') {
  const visitors = new Map(); // token → { id, dialog: {id, messages[]} | null, acks: Map<cid, ack> }
  const sockets = new Set();
  let downUntil = 0;
  let nextVisitor = 1;
  let nextDialog = 7;
  let nextId = 100;

  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    if (url.pathname === '/mock/drop') {
      for (const s of sockets) s.kill();
      res.end('dropped\n');
      return;
    }
    if (url.pathname === '/mock/down') {
      downUntil = Date.now() + Number(url.searchParams.get('ms') ?? 5000);
      for (const s of sockets) s.kill();
      res.end('down\n');
      return;
    }
    const rel = normalize(url.pathname).replace(/^\/widget\//, '');
    const file = join(widgetDir, rel);
    if (url.pathname.startsWith('/widget/') && file.startsWith(widgetDir) && existsSync(file)) {
      res.writeHead(200, {
        'Content-Type': 'text/javascript; charset=utf-8',
        'Cache-Control': 'no-cache',
        'Access-Control-Allow-Origin': '*',
      });
      res.end(readFileSync(file));
      return;
    }
    res.writeHead(404).end();
  });

  server.on('upgrade', (req, socket) => {
    const url = new URL(req.url, 'http://x');
    const site = sites[url.searchParams.get('key')];
    if (url.pathname !== '/ws/visitor' || !site || Date.now() < downUntil) {
      socket.end('HTTP/1.1 503 Service Unavailable\r\n\r\n');
      return;
    }
    let visitor = null;
    const conn = acceptSocket(
      req,
      socket,
      (f) => {
        if (!visitor) {
          if (f.t !== 'hello') return conn.close(1008);
          let token = typeof f.token === 'string' && visitors.has(f.token) ? f.token : null;
          const issued = !token;
          if (!token) {
            token = randomBytes(16).toString('hex');
            visitors.set(token, { id: nextVisitor++, dialog: null, acks: new Map(), conns: new Set() });
          }
          visitor = visitors.get(token);
          visitor.conns.add(conn);
          const d = visitor.dialog;
          conn.send({
            t: 'welcome',
            v: 1,
            visitor: issued ? { id: visitor.id, token } : { id: visitor.id },
            site,
            dialog: d ? { id: d.id, seq: d.messages.length } : null,
          });
          return;
        }
        const fanout = (m, except) => {
          for (const c of visitor.conns) if (c !== except) c.send(m);
        };
        const append = (author, text, cid) => {
          visitor.dialog ??= { id: nextDialog++, messages: [] };
          const d = visitor.dialog;
          const m = { t: 'msg', dialog: d.id, seq: d.messages.length + 1, id: nextId++, cid, author, text, ts: Date.now() };
          d.messages.push(m);
          return m;
        };
        switch (f.t) {
          case 'msg': {
            if (typeof f.text !== 'string' || f.text.trim() === '') return conn.send({ t: 'err', cid: f.cid, code: 'invalid', message: 'empty' });
            let ack = visitor.acks.get(f.cid);
            if (!ack) {
              const m = append({ kind: 'visitor', id: visitor.id }, f.text, f.cid);
              ack = { t: 'ack', cid: f.cid, id: m.id, dialog: m.dialog, seq: m.seq, ts: m.ts };
              visitor.acks.set(f.cid, ack);
              fanout(m, conn);
              if (site.operators_online > 0) {
                setTimeout(() => fanout({ t: 'typing', active: true }), 500);
                setTimeout(() => fanout(append(operator, reply(f.text, site.language), null)), 1800);
              }
            }
            conn.send(ack);
            return;
          }
          case 'resume': {
            const d = visitor.dialog;
            if (!d || d.id !== f.dialog) return conn.send({ t: 'err', code: 'forbidden', message: 'not your dialog' });
            for (const m of d.messages) if (m.seq > f.after) conn.send(m);
            conn.send({ t: 'resumed', dialog: d.id, seq: d.messages.length });
            return;
          }
          case 'typing':
          case 'presence':
          case 'widget':
          case 'page':
          case 'contact':
          case 'custom':
            if (f.t === 'contact' || f.t === 'custom') console.log('mock:', JSON.stringify(f));
            return;
          default:
            conn.send({ t: 'err', code: 'invalid', message: 'unknown frame type' });
        }
      },
      () => {
        sockets.delete(conn);
        visitor?.conns.delete(conn);
      },
    );
    sockets.add(conn);
  });
  return new Promise((resolve) => server.listen(port, host, () => resolve(server)));
}

function reply(text, lang) {
  return lang === 'ru'
    ? `Здравствуйте! Вы написали: «${text}». Чем ещё помочь?`
    : `Hello! You wrote: “${text}”. Anything else?`;
}

export function startSite(port, callpyUrl, key, lang = 'ru', host = '127.0.0.1') {
  const page = () =>
    readFileSync(join(root, 'src', 'widget', 'dev', 'host.html'), 'utf8')
      .replaceAll('%CALLPY_URL%', callpyUrl)
      .replaceAll('%CALLPY_KEY%', key)
      .replaceAll('%LANG%', lang);
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    if (url.pathname === '/favicon.ico') return res.writeHead(204).end();
    if (url.pathname !== '/') return res.writeHead(404).end();
    // ?key= picks another mock site without restarting.
    const k = url.searchParams.get('key');
    const body = k && /^[\w-]+$/.test(k) ? page().replaceAll(`data-callpy-key="${key}"`, `data-callpy-key="${k}"`) : page();
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(body);
  });
  return new Promise((resolve) => server.listen(port, host, () => resolve(server)));
}

const isMain = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const arg = (name, def) => {
    const i = process.argv.indexOf('--' + name);
    return i > 0 ? process.argv[i + 1] : def;
  };
  const sitePort = Number(arg('site-port', 5180));
  const port = Number(arg('port', 5181));
  const daemon = arg('daemon', null);
  const key = arg('key', 'demo');
  if (!daemon) {
    await startMock(port);
    console.log(`mock daemon on http://127.0.0.1:${port} (widget from ${widgetDir})`);
  }
  await startSite(sitePort, daemon ?? `http://127.0.0.1:${port}`, key);
  console.log(`customer site on http://127.0.0.1:${sitePort}/  (key ${key})`);
}

// Dev-only: a mock daemon for the operator panel: serves the built panel (../build/web/app)
// at /app/, answers the panel REST calls the chat pages use, and speaks the operator side
// of the realtime protocol v1 on /ws/operator with scripted visitors (one arrives, one
// types with the preview on, one writes). Not shipped.
//
//   npm run build:panel && node scripts/panel_dev.mjs [--port 5190]
// then open http://127.0.0.1:5190/app/visitors (already signed in as "Анна").
// GET /mock/drop closes every socket (to watch the reconnect); /mock/visitor adds a visitor.
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { acceptSocket } from './ws_codec.mjs';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const appDir = join(root, '..', 'build', 'web', 'app');
const kTypes = { '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.html': 'text/html', '.png': 'image/png' };

const me = { id: 3, email: 'anna@shop.example', name: 'Анна Смирнова', language: 'ru' };
const site = { id: 'shop', name: 'Demo Shop', role: 'owner' };
const operator = { kind: 'operator', id: me.id, name: me.name };
const ua = {
  pc: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
  mac: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
  phone: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148',
  android: 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36',
};

export function startPanelMock(port, host = '127.0.0.1', { script = true } = {}) {
  const now = Date.now();
  const min = 60_000;
  const visitor = (id, extra) => ({
    id,
    name: '',
    contact: { name: '', email: '', phone: '' },
    state: 'focused',
    widget_open: false,
    page: { url: 'https://shop.example/', title: 'Demo Shop — главная' },
    device: null,
    user_agent: ua.pc,
    dialog: null,
    since: now - 5 * min,
    ...extra,
  });
  const visitors = new Map(
    [
      visitor(42, { name: 'Иван Петров', widget_open: true, page: { url: 'https://shop.example/delivery', title: 'Доставка и оплата' }, dialog: 7, since: now - 14 * min }),
      visitor(43, { contact: { name: 'Мария', email: 'maria@example.com', phone: '' }, state: 'background', user_agent: ua.phone, widget_open: true, page: { url: 'https://shop.example/cart', title: 'Корзина' }, dialog: 8, since: now - 32 * min }),
      visitor(51, { page: { url: 'https://shop.example/catalog/sofas/oslo-3', title: 'Диван «Осло», 3 места' }, user_agent: ua.mac, since: now - 3 * min }),
      visitor(52, { user_agent: ua.android, state: 'background', page: { url: 'https://shop.example/catalog/chairs?color=green&sort=price', title: '' }, since: now - 71 * min }),
      visitor(53, { name: '<img src=x onerror=alert(1)>', page: { url: 'https://shop.example/sale', title: 'Распродажа до −50%' }, since: now - 40_000 }),
    ].map((v) => [v.id, v]),
  );
  const msg = (dialog, seq, author, text, ts, cid = null) => ({ t: 'msg', dialog, seq, id: dialog * 1000 + seq, cid, author, text, ts });
  const vis = (id) => ({ kind: 'visitor', id });
  const dialogs = new Map([
    [7, { id: 7, site: 'shop', visitor: 42, visitor_name: 'Иван Петров', status: 'open', important: false, assignee: 3, messages: [
      msg(7, 1, vis(42), 'Здравствуйте! Вы доставляете в Казань?', now - 12 * min),
      msg(7, 2, operator, 'Добрый день, Иван! Да, доставляем — обычно за 2–3 дня.', now - 11 * min, 'o-1'),
      msg(7, 3, vis(42), 'Отлично. А сколько это стоит для дивана?', now - 10 * min),
      msg(7, 4, operator, 'Для крупной мебели — 1 490 ₽ до подъезда, подъём на этаж по договорённости 🙂', now - 9 * min, 'o-2'),
    ] }],
    [8, { id: 8, site: 'shop', visitor: 43, visitor_name: 'Мария', status: 'open', important: true, assignee: 3, messages: [
      msg(8, 1, vis(43), 'Добрый вечер, не проходит оплата картой', now - 30 * min),
      msg(8, 2, operator, 'Здравствуйте, Мария! Какая ошибка показывается?', now - 29 * min, 'o-3'),
    ] }],
    [3, { id: 3, site: 'shop', visitor: 31, visitor_name: 'Олег', status: 'closed', important: true, assignee: 3, messages: [
      msg(3, 1, vis(31), 'Можно ли вернуть товар без чека?', now - 26 * 60 * min),
      msg(3, 2, operator, 'Да, в течение 14 дней — при наличии упаковки.', now - 26 * 60 * min + min, 'o-4'),
      msg(3, 3, vis(31), 'Спасибо!', now - 26 * 60 * min + 2 * min),
    ] }],
    [4, { id: 4, site: 'shop', visitor: 32, visitor_name: '', status: 'closed', important: false, assignee: 3, messages: [
      msg(4, 1, vis(32), 'Есть ли скидки для юрлиц?', now - 50 * 60 * min),
      msg(4, 2, operator, 'Да, от 5 позиций — 7%. Пришлите реквизиты на b2b@shop.example', now - 50 * 60 * min + min, 'o-5'),
    ] }],
  ]);
  let nextDialog = 9;
  let nextVisitor = 60;
  const acks = new Map();
  const conns = new Set();
  let status = 'online';
  const broadcast = (f) => {
    for (const c of conns) c.send(f);
  };
  const dialogFrame = (d) => ({
    t: 'dialog',
    dialog: { id: d.id, site: d.site, visitor: d.visitor, status: d.status, last_seq: d.messages.length, assignee: d.assignee },
  });
  const summary = (d) => {
    const last = d.messages[d.messages.length - 1];
    return {
      id: d.id, site: d.site, visitor: d.visitor, visitor_name: d.visitor_name, status: d.status, last_seq: d.messages.length,
      last_message: last?.text ?? '', last_message_at: last?.ts ?? 0, important: d.important, assignee: d.assignee,
    };
  };
  const append = (d, author, text, cid = null) => {
    const m = msg(d.id, d.messages.length + 1, author, text, Date.now(), cid);
    d.messages.push(m);
    broadcast(m);
    return m;
  };
  const addVisitor = (extra = {}) => {
    const v = visitor(nextVisitor++, { since: Date.now(), page: { url: 'https://shop.example/catalog/lamps', title: 'Светильники' }, ...extra });
    visitors.set(v.id, v);
    broadcast({ t: 'visitor', site: 'shop', visitor: v });
    return v;
  };

  const json = (res, code, body) => {
    res.writeHead(code, { 'Content-Type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(body));
  };
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    const p = url.pathname;
    if (p === '/mock/drop') {
      for (const c of conns) c.kill();
      return res.end('dropped\n');
    }
    if (p === '/mock/visitor') return json(res, 200, addVisitor());
    if (p === '/api/panel/me') return json(res, 200, { user: me, csrf: 'mock-csrf', sites: [site] });
    if (p === '/api/panel/sites') {
      return json(res, 200, { sites: [{ ...site, language: 'ru', timezone: 'Europe/Moscow', origins: ['https://shop.example'], widget_key: 'demo', managed_by_config: false }] });
    }
    if (p === '/api/panel/dialogs' && req.method === 'GET') {
      const folder = url.searchParams.get('folder');
      const q = (url.searchParams.get('q') ?? '').toLowerCase();
      let list = [...dialogs.values()];
      if (folder === 'open') list = list.filter((d) => d.status === 'open');
      else if (folder === 'history') list = list.filter((d) => d.status === 'closed');
      else if (folder === 'important') list = list.filter((d) => d.important);
      if (q) list = list.filter((d) => d.visitor_name.toLowerCase().includes(q) || d.messages.some((m) => m.text.toLowerCase().includes(q)));
      return json(res, 200, { dialogs: list.map(summary).sort((a, b) => b.last_message_at - a.last_message_at) });
    }
    const m = /^\/api\/panel\/dialogs\/(\d+)\/(messages|close|important)$/.exec(p);
    const d = m && dialogs.get(Number(m[1]));
    if (m && !d) return json(res, 404, { error: { code: 'not_found', message: 'no such dialog' } });
    if (m && m[2] === 'messages') {
      const after = Number(url.searchParams.get('after') ?? 0);
      const limit = Number(url.searchParams.get('limit') ?? 100);
      const messages = d.messages.filter((x) => x.seq > after).slice(0, limit).map((x) => ({ id: x.id, seq: x.seq, author: x.author, kind: 'text', text: x.text, ts: x.ts, cid: x.cid }));
      return json(res, 200, { messages, last_seq: d.messages.length });
    }
    if (m && req.method === 'POST') {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        if (m[2] === 'close') {
          d.status = 'closed';
          broadcast(dialogFrame(d));
          const v = visitors.get(d.visitor);
          if (v) broadcast({ t: 'visitor', site: 'shop', visitor: Object.assign(v, { dialog: null }) });
        } else {
          d.important = JSON.parse(body || '{}').important === true;
        }
        json(res, 200, {});
      });
      return;
    }
    if (p.startsWith('/api/')) return json(res, 404, { error: { code: 'not_found', message: 'not mocked' } });
    // The SPA: files under /app/, index.html for every other /app path.
    if (p === '/' || p === '/app') {
      res.writeHead(302, { Location: '/app/visitors' });
      return res.end();
    }
    const rel = normalize(p).replace(/^\/app\/?/, '');
    let file = join(appDir, rel);
    if (!file.startsWith(appDir) || !existsSync(file) || rel === '' || !extname(file)) file = join(appDir, 'index.html');
    if (!existsSync(file)) return res.writeHead(404).end('run `npm run build:panel` first\n');
    res.writeHead(200, { 'Content-Type': (kTypes[extname(file)] ?? 'application/octet-stream') + '; charset=utf-8' });
    res.end(readFileSync(file));
  });

  server.on('upgrade', (req, socket) => {
    if (new URL(req.url, 'http://x').pathname !== '/ws/operator') return socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
    let hello = false;
    const conn = acceptSocket(
      req,
      socket,
      (f) => {
        if (!hello) {
          if (f.t !== 'hello') return conn.close(1008);
          hello = true;
          conns.add(conn);
          conn.send({ t: 'welcome', v: 1, user: { id: me.id, name: me.name }, sites: [{ id: 'shop', role: 'owner' }], status });
          for (const v of visitors.values()) conn.send({ t: 'visitor', site: 'shop', visitor: v, snapshot: true });
          return;
        }
        switch (f.t) {
          case 'msg': {
            const dlg = dialogs.get(f.dialog);
            if (!dlg || dlg.status !== 'open') return conn.send({ t: 'err', cid: f.cid, code: 'forbidden', message: 'dialog is not open' });
            let ack = acks.get(f.cid);
            if (!ack) {
              const mm = append(dlg, operator, f.text, f.cid);
              ack = { t: 'ack', cid: f.cid, id: mm.id, dialog: dlg.id, seq: mm.seq, ts: mm.ts };
              acks.set(f.cid, ack);
            }
            return conn.send(ack);
          }
          case 'resume': {
            const dlg = dialogs.get(f.dialog);
            if (!dlg) return conn.send({ t: 'err', code: 'forbidden', message: 'not your dialog' });
            for (const mm of dlg.messages) if (mm.seq > f.after) conn.send(mm);
            return conn.send({ t: 'resumed', dialog: dlg.id, seq: dlg.messages.length });
          }
          case 'start': {
            const v = visitors.get(f.visitor);
            if (!v) return conn.send({ t: 'err', code: 'invalid', message: 'no such visitor' });
            let dlg = v.dialog && dialogs.get(v.dialog);
            if (!dlg || dlg.status !== 'open') {
              dlg = { id: nextDialog++, site: 'shop', visitor: v.id, visitor_name: v.name || v.contact.name, status: 'open', important: false, assignee: me.id, messages: [] };
              dialogs.set(dlg.id, dlg);
            }
            v.dialog = dlg.id;
            broadcast(dialogFrame(dlg));
            broadcast({ t: 'visitor', site: 'shop', visitor: v });
            return;
          }
          case 'close': {
            const dlg = dialogs.get(f.dialog);
            if (dlg) {
              dlg.status = 'closed';
              broadcast(dialogFrame(dlg));
            }
            return;
          }
          case 'status':
            status = f.state;
            return broadcast({ t: 'status', state: status });
          case 'typing':
            return;
          default:
            return conn.send({ t: 'err', code: 'invalid', message: 'unknown frame type' });
        }
      },
      () => conns.delete(conn),
    );
  });

  // The scripted visitors.
  const timers = [];
  if (script) {
    const draft = 'Подскажите, а можно оплатить при получении и заодно заказать сборку';
    timers.push(setTimeout(() => addVisitor({ user_agent: ua.phone }), 1500));
    let i = 0;
    timers.push(
      setInterval(() => {
        i = (i + 7) % (draft.length + 14);
        broadcast({ t: 'typing', dialog: 7, visitor: 42, text: draft.slice(0, Math.min(i, draft.length)) });
      }, 400),
    );
    timers.push(setTimeout(() => append(dialogs.get(8), vis(43), 'Пишет «Платёж отклонён банком». Карта точно рабочая.'), 2500));
  }
  server.on('close', () => timers.forEach((t) => clearInterval(t)));
  return new Promise((resolve) => server.listen(port, host, () => resolve(server)));
}

const isMain = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const i = process.argv.indexOf('--port');
  const port = i > 0 ? Number(process.argv[i + 1]) : 5190;
  await startPanelMock(port);
  console.log(`panel mock on http://127.0.0.1:${port}/app/visitors (panel from ${appDir})`);
}

// /metrics counts open WebSocket connections by kind (issue 6 §6):
// callpy_ws_connections{kind="visitor"|"operator"|"call_device"}, one gauge family whose series
// follow sockets opening and closing (a call device is an operator's phone on /ws/call).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { SITE_ORIGIN, addSite, operatorSocket, startWithOwner, visitorSocket, wsUrl } from '../support/chat.mjs';
import { waitFor } from '../support/daemon.mjs';
import { WsClient } from '../support/ws.mjs';

const kRtcYaml = 'rtc:\n  interfaces: [127.0.0.1]\n  port_range: 44000-44999\n';

async function kinds(d) {
  const m = await d.admin('GET', '/metrics');
  assert.equal(m.status, 200);
  assert.match(m.body, /^# TYPE callpy_ws_connections gauge$/m);
  assert.doesNotMatch(m.body, /^callpy_ws_connections /m, 'no unlabelled sample beside the family');
  const out = {};
  for (const [, kind, n] of m.body.matchAll(/^callpy_ws_connections\{kind="([a-z_]+)"\} (\d+)$/gm)) out[kind] = Number(n);
  return out;
}

test('callpy_ws_connections counts visitor, operator and call-device sockets as they open and close', async () => {
  const { d, owner } = await startWithOwner({ extraYaml: kRtcYaml });
  try {
    assert.deepEqual(await kinds(d), { visitor: 0, operator: 0, call_device: 0 });
    const site = await addSite(owner, 'Shop', SITE_ORIGIN);
    const { o } = await operatorSocket(d, owner);
    const { v } = await visitorSocket(d, site, { tab: 't1' });
    const { v: v2 } = await visitorSocket(d, site, { tab: 't2' });
    assert.deepEqual(await kinds(d), { visitor: 2, operator: 1, call_device: 0 });

    // The operator's phone: a one-time link for a call the operator is in, opened on /ws/call.
    v.send({ t: 'msg', cid: 'c1', text: 'Позвоните мне' });
    const { dialog } = await v.type('ack');
    o.send({ t: 'call_start', dialog, video: false });
    const call = (await o.type('call')).call;
    o.send({ t: 'call_device_link', call: call.id });
    const link = await o.type('call_device_link');
    const phone = await WsClient.open(wsUrl(d, `/ws/call?token=${link.url.split('/').pop()}`));
    await phone.type('welcome');
    assert.deepEqual(await kinds(d), { visitor: 2, operator: 1, call_device: 1 });

    v2.close();
    phone.close();
    await waitFor(async () => {
      const k = await kinds(d);
      return k.visitor === 1 && k.call_device === 0 ? k : null;
    }, { what: 'closed sockets to leave the gauges' });
    assert.deepEqual(await kinds(d), { visitor: 1, operator: 1, call_device: 0 });
    v.close();
    o.close();
  } finally {
    await d.stop();
  }
});

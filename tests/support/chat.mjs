// Shared set-up for chat tests against the real daemon: an owner signed in over REST, sites,
// operators invited over the admin socket, and visitor/operator WebSockets past their hello.
import assert from 'node:assert/strict';

import { PanelClient, startDaemon } from './daemon.mjs';
import { WsClient } from './ws.mjs';

export const OWNER = 'owner@example.com';
// The customer site most integration tests register (and send as the visitor's Origin).
export const SITE_ORIGIN = 'https://shop.example';

// Bootstraps the owner over `d`'s admin socket and signs them in.
// Returns { owner: PanelClient, password }.
export async function bootstrapOwner(d, email = OWNER) {
  const b = await d.admin('POST', '/api/admin/v1/bootstrap', { email });
  assert.equal(b.status, 201, JSON.stringify(b.body));
  const owner = new PanelClient(d.base);
  assert.equal((await owner.login(email, b.body.password)).status, 200);
  return { owner, password: b.body.password };
}

// Starts callpyd (`daemonOptions` as for startDaemon) with a signed-in owner.
// Returns { d, owner, password }.
export async function startWithOwner(daemonOptions = {}, email = OWNER) {
  const d = await startDaemon(daemonOptions);
  return { d, ...(await bootstrapOwner(d, email)) };
}

// Creates a site as `client` (an admin); `extra` adds fields such as language.
export async function addSite(client, name, url, extra = {}) {
  return (await client.request('POST', '/api/panel/sites', { name, url, ...extra })).body.site;
}

// The owner with two sites: «Shop» at SITE_ORIGIN and «Other» at https://other.example.
export async function startShop(daemonOptions = {}) {
  const { d, owner } = await startWithOwner(daemonOptions);
  const site = await addSite(owner, 'Shop', SITE_ORIGIN);
  const other = await addSite(owner, 'Other', 'https://other.example');
  return { d, owner, site, other };
}

// Invites `email` to the site with id `siteId` over the admin socket (a printed link) and
// accepts the invitation with `password` (and `name` when given). Returns { client: the new
// operator's signed-in PanelClient, id: their user id, user: the accepted user }.
export async function addOperator(d, siteId, email, { password = 'operator-pass', name, role } = {}) {
  const inv = await d.admin('POST', `/api/admin/v1/sites/${siteId}/operators`,
    { email, print_link: true, ...(role ? { role } : {}) });
  assert.equal(inv.status, 201, JSON.stringify(inv.body));
  const token = new URL(inv.body.invite_link).searchParams.get('token');
  const client = new PanelClient(d.base);
  const accepted = await client.request('POST', '/api/panel/invites/accept',
    { token, password, ...(name === undefined ? {} : { name }) }, { csrf: false });
  assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
  return { client, id: inv.body.operator.user_id, user: accepted.body.user };
}

export function wsUrl(d, path) {
  return `ws://127.0.0.1:${d.port}${path}`;
}

// A visitor's socket on `site` after hello (a new visitor unless `token`), sent from `origin`;
// `page` goes into the hello as is (left out when undefined). Returns { v, welcome }.
export async function visitorSocket(d, site, { token = null, tab = 't1', page, origin = SITE_ORIGIN } = {}) {
  const v = await WsClient.open(wsUrl(d, `/ws/visitor?key=${site.widget_key}`), { headers: { Origin: origin } });
  v.send({ t: 'hello', v: 1, token, tab, page });
  return { v, welcome: await v.type('welcome') };
}

// An operator's socket with `client`'s session cookie, after hello. Returns { o, welcome }.
export async function operatorSocket(d, client) {
  const o = await WsClient.open(wsUrl(d, '/ws/operator'), { headers: { Cookie: client.cookie } });
  o.send({ t: 'hello', v: 1 });
  return { o, welcome: await o.type('welcome') };
}

// An operator's call to a new visitor of `site`, answered: both sockets are past the accept.
// Returns the sockets, the call id and the visitor's id.
export async function answeredCall(d, owner, site, { video = false } = {}) {
  const { o } = await operatorSocket(d, owner);
  const { v, welcome } = await visitorSocket(d, site, { page: { url: `${SITE_ORIGIN}/`, title: 'Home' } });
  v.send({ t: 'msg', cid: 'c1', text: 'Позвоните мне' });
  const { dialog } = await v.type('ack');
  o.send({ t: 'call_start', dialog, video });
  const call = (await v.type('call')).call;
  v.send({ t: 'call_accept', call: call.id });
  await o.type('call', (f) => f.call.id === call.id && f.call.state === 'active');
  return { o, v, id: call.id, visitorId: welcome.visitor.id };
}

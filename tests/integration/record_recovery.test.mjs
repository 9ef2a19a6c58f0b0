// A call recording survives a daemon restart (issue 5, record/, "nothing lost"). A recording
// writes a sidecar next to its raw files when it starts; a daemon stopped during the recorded
// call leaves both (it no longer converts at shutdown, which could outlast systemd's stop
// timeout), and the next start converts them, stores the file as the recording operator's upload
// and posts it in the call's dialog. The call here carries no media, so the raw files the call
// would have left are written by rtc_record_fixture_tool --raw (the fixture's real Opus voices)
// under the recording's id; the sidecar is the one the daemon wrote.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, afterEach, describe, test } from 'node:test';

import { SITE_ORIGIN, addSite, answeredCall, startWithOwner } from '../support/chat.mjs';
import { callpyd, repoRoot, waitFor } from '../support/daemon.mjs';

const tool = process.env.RECORD_TOOL_BIN ??
  path.join(path.dirname(path.dirname(callpyd)), 'tests/unit/rtc/record/rtc_record_fixture_tool');
const fixture = path.join(repoRoot, 'tests/fixtures/rtc_recording.bin');

describe('a recording left by a stopped daemon', () => {
  let d;
  after(async () => { await d?.stop(); });
  afterEach((t) => {
    if (t.passed !== false || !d) return;
    const file = path.join(repoRoot, 'build/test-output/record_recovery-daemon.log');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, d.stderr);
    console.error(`daemon log: ${file}`);
  });

  test('is converted and posted in the dialog after the next start', async () => {
    const started = await startWithOwner();
    d = started.d;
    const { owner } = started;
    const site = await addSite(owner, 'Shop', SITE_ORIGIN);
    const { o, v, id } = await answeredCall(d, owner, site);
    o.send({ t: 'call_record', call: id, on: true });
    await v.type('call', (f) => f.call.recording === true);

    // The sidecar: written when the recording started, everything a restart needs.
    const recDir = path.join(d.dir, 'data', 'recordings');
    const sidecarName = await waitFor(() => fs.existsSync(recDir) &&
      fs.readdirSync(recDir).find((n) => n.endsWith('.json')), { what: 'the recording sidecar' });
    const sidecar = JSON.parse(fs.readFileSync(path.join(recDir, sidecarName), 'utf8'));
    assert.equal(sidecarName, `${id}-1.json`);
    assert.equal(sidecar.id, `${id}-1`);
    assert.equal(sidecar.callId, id);
    assert.equal(sidecar.siteId, site.id);
    assert.ok(sidecar.dialogId > 0 && sidecar.userId > 0 && sidecar.startedMs > 0, JSON.stringify(sidecar));
    assert.equal((fs.statSync(path.join(recDir, sidecarName)).mode & 0o777), 0o600);

    // The daemon stops during the recorded call: the recording is deferred, its sidecar kept.
    const exit = await d.stop();
    assert.equal(exit.code, 0, d.stderr.slice(-2000));
    assert.match(d.stderr, new RegExp(`call\\.recording_deferred .*${sidecar.id}`));
    assert.doesNotMatch(d.stderr, /call\.recording_(stored|failed)/);
    assert.ok(fs.existsSync(path.join(recDir, sidecarName)));

    // The raw files the call's media would have left, and a killed conversion's partial output.
    const made = JSON.parse(execFileSync(tool, ['--raw', fixture, recDir, sidecar.id], { encoding: 'utf8' }));
    assert.equal(made.deferred, true);
    assert.ok(made.packets > 100, JSON.stringify(made));
    fs.writeFileSync(path.join(recDir, `${sidecar.id}.ogg.part`), 'J'.repeat(100000));
    // A second recording whose operator's account is gone, and a sidecar cut short.
    const orphan = `${id}-7`;
    fs.writeFileSync(path.join(recDir, `${orphan}.json`), JSON.stringify({ ...sidecar, id: orphan, userId: 999999 }));
    execFileSync(tool, ['--raw', fixture, recDir, orphan], { encoding: 'utf8' });
    fs.writeFileSync(path.join(recDir, `${id}-9.json`), JSON.stringify(sidecar).slice(0, 40));

    d.stderr = '';
    await d.start();

    // The recording appears in the call's dialog, posted by the operator who recorded.
    const msg = await waitFor(async () => {
      const r = await owner.request('GET', `/api/panel/dialogs/${sidecar.dialogId}/messages`);
      return r.body.messages?.find((m) => m.kind === 'file' && m.cid === `rec-${sidecar.id}`);
    }, { timeoutMs: 60000, what: 'the recording in the dialog' });
    assert.equal(msg.file.mime, 'audio/ogg');
    assert.match(msg.file.name, /^Запись звонка \d{4}-\d\d-\d\d \d\d\.\d\d\.ogg$/);
    assert.equal(msg.author.kind, 'operator');
    assert.ok(msg.file.size > 10000, `a recording of ${msg.file.size} bytes`);
    // Named by when the recording started, not by when it was converted.
    const start = new Date(sidecar.startedMs).toISOString();
    assert.ok(msg.file.name.includes(`${start.slice(0, 10)} ${start.slice(11, 13)}.${start.slice(14, 16)}`), msg.file.name);
    const download = await owner.request('GET', `/api/panel/files/${msg.file.id}`);
    assert.equal(download.status, 200);
    assert.match(d.stderr, new RegExp(`call\\.recording_recovered .*${sidecar.id}`));
    await waitFor(() => d.stderr.match(/call\.recording_stored .*type=audio\/ogg/) ||
      d.stderr.match(/call\.recording_stored .*audio\/ogg/), { timeoutMs: 10000, what: 'call.recording_stored' });

    // The account is gone: logged and removed, nothing half-done. The cut sidecar: logged, kept.
    assert.match(d.stderr, /call\.recording_not_stored .*account is gone/);
    assert.match(d.stderr, new RegExp(`call\\.recording_sidecar_invalid .*${id}-9\\.json`));
    // Stored: the raw files, the sidecar and the converted file are gone; only the bad sidecar stays.
    await waitFor(() => {
      const left = fs.readdirSync(recDir);
      return left.length === 1 && left[0] === `${id}-9.json` ? left : null;
    }, { timeoutMs: 10000, what: `the recordings directory to hold only the bad sidecar: ${fs.readdirSync(recDir)}` });
    // Posted once only.
    const list = await owner.request('GET', `/api/panel/dialogs/${sidecar.dialogId}/messages`);
    assert.equal(list.body.messages.filter((m) => m.kind === 'file').length, 1);

    // Restarts after the daemon died with the recording stored and posted but its leftovers not
    // yet removed: it is never posted a second time.
    const fileMessages = async () => (await owner.request('GET',
      `/api/panel/dialogs/${sidecar.dialogId}/messages`)).body.messages.filter((m) => m.kind === 'file');
    const onlyBadSidecar = () => {
      const left = fs.readdirSync(recDir);
      return left.length === 1 && left[0] === `${id}-9.json` ? left : null;
    };
    const leaveAsCrashed = async (extra) => {
      assert.equal((await d.stop()).code, 0, d.stderr.slice(-2000));
      execFileSync(tool, ['--raw', fixture, recDir, sidecar.id], { encoding: 'utf8' });
      fs.writeFileSync(path.join(recDir, `${sidecar.id}.json`), JSON.stringify({ ...sidecar, ...extra }), { mode: 0o600 });
      d.stderr = '';
      await d.start();
    };
    // (a) Died after storing, before the sidecar said so: converted and stored again, but the
    // post (same cid "rec-<id>") is the message already there, not a new one.
    await leaveAsCrashed({});
    await waitFor(() => /call\.recording_stored /.test(d.stderr), { timeoutMs: 60000, what: 'the second store' });
    await waitFor(onlyBadSidecar, { timeoutMs: 10000, what: `the leftovers removed: ${fs.readdirSync(recDir)}` });
    let files = await fileMessages();
    assert.equal(files.length, 1, JSON.stringify(files));
    assert.equal(files[0].id, msg.id);
    // (b) The sidecar says stored (the file's id, written before the post) and a converted file
    // was left too: nothing is converted or stored again, the post is the message already there.
    fs.writeFileSync(path.join(recDir, `${sidecar.id}.ogg`), 'converted, stored, not yet removed');
    await leaveAsCrashed({ fileId: msg.file.id });
    await waitFor(onlyBadSidecar, { timeoutMs: 20000, what: `the leftovers removed: ${fs.readdirSync(recDir)}` });
    assert.ok(d.stderr.split('\n').some((l) => l.includes('call.recording_recovered') &&
      l.includes(sidecar.id) && l.includes(`file=${msg.file.id}`)), d.stderr.slice(-3000));
    assert.doesNotMatch(d.stderr, /call\.recording_(stored|not_stored .*rec)/);
    files = await fileMessages();
    assert.equal(files.length, 1, JSON.stringify(files));
    assert.equal(files[0].id, msg.id);
    assert.equal(files[0].file.id, msg.file.id);
    assert.equal((await owner.request('GET', `/api/panel/files/${msg.file.id}`)).status, 200);
  });
});

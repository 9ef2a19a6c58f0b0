// Call recordings play in a real browser (issue 5, daemon/rtc/record). The recording writer is fed
// real Opus/VP8 RTP (tests/fixtures/rtc_recording.bin: the visitor's 440 Hz tone and camera, the
// operator's 660 Hz tone joining 0.5 s later, a second operator's 880 Hz tone from 1.0 to 2.2 s)
// by rtc_record_fixture_tool; Chromium then decodes the Ogg Opus and the WebM it made: every voice
// on its own channel of a quad multistream (visitor FL, operator FR, second operator RL, RR
// silent), each quiet before it joined and after it left, all three audible after Web Audio's
// stereo downmix, and the video playing to its end.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { callpyd, repoRoot } from '../support/daemon.mjs';

const { chromium } = createRequire(path.join(repoRoot, 'web-static/package.json'))('playwright-core');
// Next to the daemon the tests run (build/<dir>/daemon/callpyd), unless given.
const tool = process.env.RECORD_TOOL_BIN ??
  path.join(path.dirname(path.dirname(callpyd)), 'tests/unit/rtc/record/rtc_record_fixture_tool');

// In the page: decodes a file with Web Audio and measures each channel, and its stereo downmix.
async function analyse(url) {
  const buf = await (await fetch(url)).arrayBuffer();
  const ctx = new OfflineAudioContext(2, 48000, 48000);
  const audio = await ctx.decodeAudioData(buf);
  const rate = audio.sampleRate;
  // Power of one frequency over [from, to) seconds (Goertzel), normalised per sample.
  const goertzel = (x, hz, from, to) => {
    const k = 2 * Math.cos(2 * Math.PI * hz / rate);
    let s1 = 0; let s2 = 0; const a = Math.floor(from * rate); const b = Math.floor(to * rate);
    for (let i = a; i < b; i++) { const s0 = x[i] + k * s1 - s2; s2 = s1; s1 = s0; }
    return (s1 * s1 + s2 * s2 - k * s1 * s2) / ((b - a) * (b - a));
  };
  const tones = (x, from, to) => Object.fromEntries([440, 660, 880].map((hz) => [hz, goertzel(x, hz, from, to)]));
  const channels = [];
  for (let c = 0; c < audio.numberOfChannels; c++) {
    const x = audio.getChannelData(c);
    const rms = (from, to) => {
      let s = 0;
      for (let i = Math.floor(from * rate); i < Math.floor(to * rate); i++) s += x[i] * x[i];
      return Math.sqrt(s / ((to - from) * rate));
    };
    // Tone frequency from zero crossings over 1.05-1.45 s (the operator lost packets at 0.98 and
    // 1.48 s, which decode as silence; the second operator joined at 1.0 s).
    let crossings = 0;
    for (let i = Math.floor(1.05 * rate) + 1; i < 1.45 * rate; i++) if ((x[i - 1] < 0) !== (x[i] < 0)) crossings++;
    channels.push({ early: rms(0.05, 0.4), middle: rms(1.05, 1.45), late: rms(2.4, 2.9),
      hz: crossings / 2 / 0.4, tones: tones(x, 1.05, 1.45) });
  }
  // What stereo speakers get: Web Audio's standard downmix of the file's channels.
  const mixer = new OfflineAudioContext(2, Math.ceil(audio.duration * rate), rate);
  const source = mixer.createBufferSource();
  source.buffer = audio;
  source.connect(mixer.destination);
  source.start();
  const mixed = await mixer.startRendering();
  const mono = mixed.getChannelData(0).map((v, i) => v + mixed.getChannelData(1)[i]);
  return { duration: audio.duration, channels, downmix: tones(mono, 1.05, 1.45) };
}

// In the page: plays a media element to its end.
async function play([url, kind]) {
  const el = document.createElement(kind);
  el.src = url;
  el.muted = kind === 'video';
  document.body.append(el);
  await new Promise((resolve, reject) => {
    el.onloadedmetadata = resolve;
    el.onerror = () => reject(new Error(`load failed: ${el.error?.code} ${el.error?.message}`));
  });
  const info = { duration: el.duration, width: el.videoWidth ?? 0, height: el.videoHeight ?? 0 };
  let frames = 0;
  if (kind === 'video') {
    const count = () => { frames++; el.requestVideoFrameCallback(count); };
    el.requestVideoFrameCallback(count);
  }
  await el.play();
  await new Promise((resolve, reject) => {
    el.onended = resolve;
    el.onerror = () => reject(new Error(`playback failed: ${el.error?.message}`));
  });
  return { ...info, ended: el.ended, currentTime: el.currentTime, frames };
}

describe('call recordings play in Chromium', () => {
  let dir; let server; let browser; let page; let base; const results = {};
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'callpy-record-'));
    const out = execFileSync(tool, [path.join(repoRoot, 'tests/fixtures/rtc_recording.bin'), dir],
      { encoding: 'utf8' });
    for (const line of out.trim().split('\n')) { const r = JSON.parse(line); results[r.callId] = r; }
    server = http.createServer((req, res) => {
      const name = path.basename(decodeURIComponent(new URL(req.url, 'http://x').pathname));
      const file = path.join(dir, name);
      if (name === '' || !fs.existsSync(file)) { res.writeHead(200, { 'content-type': 'text/html' }); res.end('<!doctype html><body></body>'); return; }
      // With byte ranges, as a real server: Chromium reads an Ogg's duration from its last page.
      const body = fs.readFileSync(file);
      const type = name.endsWith('.ogg') ? 'audio/ogg' : 'video/webm';
      const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
      if (!range) { res.writeHead(200, { 'content-type': type, 'accept-ranges': 'bytes' }); res.end(body); return; }
      const start = Number(range[1]); const end = range[2] ? Math.min(Number(range[2]), body.length - 1) : body.length - 1;
      res.writeHead(206, { 'content-type': type, 'accept-ranges': 'bytes',
        'content-range': `bytes ${start}-${end}/${body.length}` });
      res.end(body.subarray(start, end + 1));
    });
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${server.address().port}`;
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--headless=new', '--autoplay-policy=no-user-gesture-required'] });
    page = await browser.newPage();
    await page.goto(`${base}/`);
  });
  after(async () => {
    await browser?.close();
    server?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('the writer made an Ogg for the audio-only call and a WebM for the video call', () => {
    assert.equal(results['fixture-audio'].ok, true, results['fixture-audio'].error);
    assert.equal(results['fixture-audio'].mediaType, 'audio/ogg');
    assert.equal(results['fixture-video'].mediaType, 'video/webm');
    assert.equal(results['fixture-video'].dropped, 0);
    assert.equal(results['fixture-video'].videoFrames, 45);
    for (const r of Object.values(results)) {
      assert.equal(r.channels, 4, `${r.callId}: the visitor, both operators and a silent 4th`);
      assert.deepEqual(r.silence, [0, 30, 90, 150], `${r.callId}: slots of silence per voice`);
    }
    // Raw track files are gone once the playable file exists.
    assert.deepEqual(fs.readdirSync(dir).sort(), ['fixture-audio.ogg', 'fixture-video.webm']);
  });

  for (const [name, kind] of [['fixture-audio.ogg', 'audio'], ['fixture-video.webm', 'video']]) {
    test(`${name}: one channel per voice, visitor first, each heard only while in the call`, async () => {
      const a = await page.evaluate(analyse, `${base}/${name}`);
      assert.ok(a.duration > 2.9 && a.duration < 3.1, `duration ${a.duration}`);
      assert.equal(a.channels.length, 4);
      const [visitor, first, second, spare] = a.channels;
      assert.ok(spare.middle < 0.001 && spare.late < 0.001, JSON.stringify(spare));
      for (const [ch, hz, who] of [[visitor, 440, 'visitor'], [first, 660, 'operator'], [second, 880, 'second operator']]) {
        assert.ok(Math.abs(ch.hz - hz) < 15, `${who}: ${ch.hz} Hz; ${JSON.stringify(a.channels)}`);
        // Its own tone dominates its channel: the others' voices do not leak into it.
        for (const other of [440, 660, 880].filter((f) => f !== hz)) {
          assert.ok(ch.tones[hz] > 100 * ch.tones[other], `${who}: ${JSON.stringify(ch.tones)}`);
        }
        assert.ok(ch.middle > 0.05, `${who}: ${JSON.stringify(ch)}`);
      }
      assert.ok(visitor.early > 0.05 && visitor.late > 0.05, JSON.stringify(visitor));
      assert.ok(first.early < 0.01 && first.late > 0.05, JSON.stringify(first));   // joined at 0.5 s
      assert.ok(second.early < 0.01 && second.late < 0.01, JSON.stringify(second));  // 1.0-2.2 s
      // Played on stereo speakers, all three voices are there.
      const loudest = Math.max(...Object.values(a.downmix));
      for (const hz of [440, 660, 880]) assert.ok(a.downmix[hz] > loudest / 20, `downmix ${JSON.stringify(a.downmix)}`);
    });

    test(`${name} plays to its end in an <${kind}> element`, async () => {
      const r = await page.evaluate(play, [`${base}/${name}`, kind]);
      assert.equal(r.ended, true);
      assert.ok(r.duration > 2.9 && r.duration < 3.1, `duration ${r.duration}`);
      if (kind === 'video') {
        assert.equal(r.width, 160);
        assert.equal(r.height, 120);
        assert.ok(r.frames >= 20, `frames shown ${r.frames}`);
      }
    });
  }
});

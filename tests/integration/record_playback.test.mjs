// Call recordings play in a real browser (issue 5, daemon/rtc/record). The recording writer is fed
// real Opus/VP8/H.264 RTP (tests/fixtures/rtc_recording.bin: the visitor's 440 Hz tone and camera
// (VP8, blue), the operator's 660 Hz tone and camera (VP8, green) joining 0.5 s later, a second
// operator's 880 Hz tone and H.264 camera (red) from 1.0 to 2.2 s) by rtc_record_fixture_tool;
// Chromium then decodes the Ogg Opus and the WebMs it made: every voice on its own channel of a
// quad multistream (visitor FL, operator FR, second operator RL, RR silent), each quiet before it
// joined and after it left, all three audible after Web Audio's stereo downmix; the videos play
// to their end, and the composed ones (F18) show every camera in its own tile of a 2x2 grid, and
// the visitor's screen share in the big tile while it is shared; with rtc.recording's video_size
// the composed video has that size, its tiles scaled with it. The tool gives every track its
// negotiated payload types as a call leg does, so the raw files are v2 and each codec comes from
// the negotiation; a track fed a payload type it did not negotiate has those packets left out.
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

// In the page: the picture at `time` s, as RGB samples along one row of each requested region.
async function pixels([url, time, regions]) {
  const el = document.createElement('video');
  el.src = url;
  el.muted = true;
  document.body.append(el);
  await new Promise((resolve, reject) => {
    el.onloadeddata = resolve;
    el.onerror = () => reject(new Error(`load failed: ${el.error?.message}`));
  });
  el.currentTime = time;
  await new Promise((resolve) => { el.onseeked = resolve; });
  const canvas = document.createElement('canvas');
  canvas.width = el.videoWidth;
  canvas.height = el.videoHeight;
  const g = canvas.getContext('2d', { willReadFrequently: true });
  g.drawImage(el, 0, 0);
  el.remove();
  return regions.map(([x0, x1, y]) => {
    const row = g.getImageData(x0, y, x1 - x0, 1).data;
    const out = [];
    for (let i = 0; i < x1 - x0; i += Math.floor((x1 - x0) / 12)) out.push([row[4 * i], row[4 * i + 1], row[4 * i + 2]]);
    return out;
  });
}

// The test colour most samples of a region show (the moving bars cover a few), or 'mixed'.
const kColours = { black: [0, 0, 0], blue: [0, 0, 90], green: [40, 180, 60], red: [200, 30, 30] };
function colourOf(samples) {
  const counts = {};
  for (const [r, g, b] of samples) {
    const name = Object.keys(kColours).find((k) => {
      const [R, G, B] = kColours[k];
      return Math.abs(r - R) < 30 && Math.abs(g - G) < 30 && Math.abs(b - B) < 30;
    }) ?? 'other';
    counts[name] = (counts[name] ?? 0) + 1;
  }
  const [best, n] = Object.entries(counts).sort((a, b) => b[1] - a[1])[0];
  return n >= samples.length * 0.6 ? best : `mixed ${JSON.stringify(samples)}`;
}

describe('call recordings play in Chromium', () => {
  let dir; let server; let browser; let page; let base; const results = {}; let sizedDir;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'callpy-record-'));
    const out = execFileSync(tool, [path.join(repoRoot, 'tests/fixtures/rtc_recording.bin'), dir],
      { encoding: 'utf8' });
    for (const line of out.trim().split('\n')) { const r = JSON.parse(line); results[r.callId] = r; }
    server = http.createServer((req, res) => {
      const name = path.basename(decodeURIComponent(new URL(req.url, 'http://x').pathname));
      // /sized/...: the recordings made with rtc.recording's video_size (the test below).
      const file = path.join(req.url.startsWith('/sized/') ? sizedDir : dir, name);
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
    if (sizedDir) fs.rmSync(sizedDir, { recursive: true, force: true });
  });

  test('the writer made an Ogg for the audio-only call and a WebM for each video call', () => {
    assert.equal(results['fixture-audio'].ok, true, results['fixture-audio'].error);
    assert.equal(results['fixture-audio'].mediaType, 'audio/ogg');
    for (const name of ['fixture-video', 'fixture-visitor', 'fixture-h264', 'fixture-screen']) {
      assert.equal(results[name].ok, true, results[name].error);
      assert.equal(results[name].mediaType, 'video/webm');
      assert.equal(results[name].dropped, 0);
    }
    // Only the visitor's VP8: passed through as it came.
    assert.equal(results['fixture-visitor'].composite, false);
    assert.equal(results['fixture-visitor'].videoFrames, 45);
    // Every camera (two VP8, one H.264), or the H.264 one alone: decoded and composed at 25 fps.
    assert.equal(results['fixture-video'].composite, true);
    assert.equal(results['fixture-video'].tiles, 3);
    assert.equal(results['fixture-video'].videoFrames, 75);
    assert.equal(results['fixture-video'].decoded, 45 + 37 + 18);
    assert.equal(results['fixture-video'].decodeErrors, 0);
    assert.equal(results['fixture-h264'].composite, true);
    assert.equal(results['fixture-h264'].tiles, 1);
    assert.equal(results['fixture-h264'].decoded, 18);
    assert.equal(results['fixture-screen'].composite, true);
    assert.equal(results['fixture-screen'].tiles, 3);
    // Every track's codec came from its recorded negotiation (v2 raw files); in fixture-video the
    // visitor's camera changed payload type half-way (a codec record in the middle of its file)
    // and lost nothing by it (the 45 frames above).
    for (const name of ['fixture-audio', 'fixture-video', 'fixture-visitor', 'fixture-h264', 'fixture-screen']) {
      assert.equal(results[name].negotiated, true, name);
      assert.equal(results[name].skipped, 0, name);
    }
    // The second operator's camera negotiated VP8 only but sent H.264 (payload type 102): its
    // packets are left out and counted, never decoded, so only the two VP8 cameras are composed.
    const wrong = results['fixture-misnegotiated'];
    assert.equal(wrong.ok, true, wrong.error);
    assert.equal(wrong.negotiated, true);
    assert.equal(wrong.composite, true);
    assert.equal(wrong.tiles, 2);
    assert.equal(wrong.decoded, 45 + 37);
    assert.equal(wrong.decodeErrors, 0);
    assert.ok(wrong.skipped >= 18, `skipped ${wrong.skipped}: at least one packet per H.264 frame`);
    for (const r of Object.values(results)) {
      assert.equal(r.channels, 4, `${r.callId}: the visitor, both operators and a silent 4th`);
      assert.deepEqual(r.silence, [0, 30, 90, 150], `${r.callId}: slots of silence per voice`);
    }
    // Raw track files are gone once the playable file exists.
    assert.deepEqual(fs.readdirSync(dir).sort(),
      ['fixture-audio.ogg', 'fixture-h264.webm', 'fixture-misnegotiated.webm', 'fixture-screen.webm',
        'fixture-video.webm', 'fixture-visitor.webm']);
  });

  test('the composed video shows each participant\'s camera in its own tile while it is on', async () => {
    // 2x2 tiles of 640x360; the 4:3 cameras are 480x360 in the middle of theirs.
    const regions = [[100, 540, 180], [740, 1180, 180], [100, 540, 540], [740, 1180, 540]];
    const at = async (time) => (await page.evaluate(pixels, [`${base}/fixture-video.webm`, time, regions])).map(colourOf);
    // 0.25 s: only the visitor has joined; 1.5 s: the operator and the second operator's H.264
    // camera too. The fourth tile has nobody.
    assert.deepEqual(await at(0.25), ['blue', 'black', 'black', 'black']);
    assert.deepEqual(await at(1.5), ['blue', 'green', 'red', 'black']);
    // The H.264 camera alone fills the whole picture (4:3 in 16:9: 960x720 from x=160).
    const [h264] = await page.evaluate(pixels, [`${base}/fixture-h264.webm`, 1.6, [[200, 1080, 360]]]);
    assert.equal(colourOf(h264), 'red');
  });

  test('the visitor\'s screen share takes the big tile while it is shared', async () => {
    // The whole call, but the operator's camera (green, 0.5-3 s) came as the visitor's screen.
    const url = `${base}/fixture-screen.webm`;
    // 0.25 s: no share yet, so no tile for it: the visitor's camera and the second operator's
    // (black: not joined yet) side by side.
    const [camera, nobody] = await page.evaluate(pixels, [url, 0.25, [[40, 600, 360], [680, 1240, 360]]]);
    assert.equal(colourOf(camera), 'blue');
    assert.equal(colourOf(nobody), 'black');
    // 1.5 s: the share big on the left (960x720), the cameras in the 320x240 tiles on the right.
    const [big, first, second] = await page.evaluate(pixels,
      [url, 1.5, [[40, 920, 360], [970, 1270, 120], [970, 1270, 360]]]);
    assert.equal(colourOf(big), 'green');
    assert.equal(colourOf(first), 'blue');
    assert.equal(colourOf(second), 'red');
  });

  test('rtc.recording: the composed video has the configured size, its tiles scaled with it', async () => {
    // As the daemon runs with `rtc: recording: {video_size: 640x360}`. One encoder thread: the
    // converter runs at idle priority, where libvpx's threads stall each other on a busy machine.
    sizedDir = fs.mkdtempSync(path.join(os.tmpdir(), 'callpy-record-sized-'));
    const out = execFileSync(tool, [path.join(repoRoot, 'tests/fixtures/rtc_recording.bin'), sizedDir,
      '640x360', '1'], { encoding: 'utf8' });
    const sized = Object.fromEntries(out.trim().split('\n').map((l) => JSON.parse(l)).map((r) => [r.callId, r]));
    assert.equal(sized['fixture-video'].ok, true, sized['fixture-video'].error);
    assert.equal(sized['fixture-video'].composite, true);
    assert.deepEqual([sized['fixture-video'].width, sized['fixture-video'].height], [640, 360]);
    assert.equal(sized['fixture-video'].videoFrames, 75);
    // The visitor's VP8 alone is still passed through at its own size.
    assert.deepEqual([sized['fixture-visitor'].width, sized['fixture-visitor'].composite], [160, false]);
    const played = await page.evaluate(play, [`${base}/sized/fixture-video.webm`, 'video']);
    assert.deepEqual([played.width, played.height, played.ended], [640, 360, true]);
    // 2x2 tiles of 320x180; the 4:3 cameras are 240x180 in the middle of theirs.
    const regions = [[50, 270, 90], [370, 590, 90], [50, 270, 270], [370, 590, 270]];
    const tiles = await page.evaluate(pixels, [`${base}/sized/fixture-video.webm`, 1.5, regions]);
    assert.deepEqual(tiles.map(colourOf), ['blue', 'green', 'red', 'black']);
  });

  for (const [name, kind] of [['fixture-audio.ogg', 'audio'], ['fixture-video.webm', 'video'],
    ['fixture-visitor.webm', 'video'], ['fixture-h264.webm', 'video'], ['fixture-screen.webm', 'video']]) {
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
        const passthrough = name === 'fixture-visitor.webm';
        assert.equal(r.width, passthrough ? 160 : 1280);
        assert.equal(r.height, passthrough ? 120 : 720);
        // The H.264 camera sent for 1.2 s of the call (25 fps composed), the others all along.
        assert.ok(r.frames >= (name === 'fixture-h264.webm' ? 15 : 20), `frames shown ${r.frames}`);
      }
    });
  }
});

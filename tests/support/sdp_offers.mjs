// Hand-written SDP offers shaped like Chromium's (audio only, Opus, one BUNDLE transport) for
// call tests that need an offer without a running peer, and its broken variants.
import crypto from 'node:crypto';

export function randomFingerprint() {
  return [...crypto.randomBytes(32)].map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join(':');
}

// Options change one thing at a time: { bundle, fingerprint (string or null), proto, setup,
// iceCredentials, codecs (rtpmap lines), sections (number of audio m= sections), candidates
// (candidate lines), extraSessionLines }.
export function audioOffer({ bundle = true, fingerprint = randomFingerprint(), proto = 'UDP/TLS/RTP/SAVPF',
  setup = 'actpass', iceCredentials = true, codecs = ['111 opus/48000/2'], sections = 1, candidates = [],
  extraSessionLines = [] } = {}) {
  const mids = Array.from({ length: sections }, (_, i) => String(i));
  const lines = ['v=0', `o=- ${crypto.randomInt(1e9)} 2 IN IP4 127.0.0.1`, 's=-', 't=0 0'];
  if (bundle) lines.push(`a=group:BUNDLE ${mids.join(' ')}`);
  lines.push('a=msid-semantic: WMS callpy-test', ...extraSessionLines);
  const ufrag = crypto.randomBytes(3).toString('hex');
  const pwd = crypto.randomBytes(12).toString('hex');
  for (const mid of mids) {
    lines.push(`m=audio 9 ${proto} ${codecs.map((c) => c.split(' ')[0]).join(' ')}`, 'c=IN IP4 0.0.0.0',
      'a=rtcp:9 IN IP4 0.0.0.0');
    if (iceCredentials) lines.push(`a=ice-ufrag:${ufrag}`, `a=ice-pwd:${pwd}`);
    lines.push('a=ice-options:trickle');
    if (fingerprint) lines.push(`a=fingerprint:sha-256 ${fingerprint}`);
    lines.push(`a=setup:${setup}`, `a=mid:${mid}`, 'a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid',
      'a=sendrecv', 'a=msid:callpy-test track-a', 'a=rtcp-mux');
    for (const c of codecs) lines.push(`a=rtpmap:${c}`);
    lines.push(`a=ssrc:${1000 + Number(mid)} cname:callpy-test`);
    for (const c of candidates) lines.push(`a=${c}`);
  }
  return `${lines.join('\r\n')}\r\n`;
}

// The same description with its sha-256 fingerprint replaced by another valid one.
export function mungeFingerprint(sdp) {
  return sdp.replace(/^a=fingerprint:sha-256 (\S+)(?=\r?$)/gm, (_, value) => `a=fingerprint:sha-256 ${value.split(':')
    .map((b) => (255 - parseInt(b, 16)).toString(16).padStart(2, '0').toUpperCase()).join(':')}`);
}

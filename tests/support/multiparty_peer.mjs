// Multi-party additions to BrowserPeer (F18): the daemon's call_renegotiate asks a browser for
// one receive slot (audio, camera, screen sections) per other participant; the browser adds
// recvonly transceivers and offers again on the same RTCPeerConnection. Stats per slot come from
// the receivers' track ids, slot k being the k-th audio and the (2k)-th video transceiver.
function slotHelpers() {
  const byKind = (kind) => window.peer.pc.getTransceivers().filter((t) => t.receiver.track.kind === kind);
  window.reofferForSlots = async (slots) => {
    const pc = window.peer.pc;
    while (byKind('audio').length < slots) pc.addTransceiver('audio', { direction: 'recvonly' });
    while (byKind('video').length < 2 * slots) pc.addTransceiver('video', { direction: 'recvonly' });
    await pc.setLocalDescription(await pc.createOffer());
    return pc.localDescription.sdp;
  };
  window.slotStats = async () => {
    const audio = byKind('audio').map((t) => t.receiver.track.id);
    const video = byKind('video').map((t) => t.receiver.track.id);
    const out = { audio: [], camera: [], dtlsState: null, pair: null };
    const report = await window.peer.pc.getStats();
    report.forEach((s) => {
      if (s.type === 'transport') Object.assign(out, { dtlsState: s.dtlsState, pair: s.selectedCandidatePairId });
      if (s.type !== 'inbound-rtp') return;
      const a = audio.indexOf(s.trackIdentifier);
      const v = video.indexOf(s.trackIdentifier);
      if (a >= 0) out.audio[a] = { energy: s.totalAudioEnergy ?? 0, ssrc: s.ssrc };
      if (v >= 0 && v % 2 === 0) out.camera[v / 2] = { frames: s.framesDecoded ?? 0, ssrc: s.ssrc };
    });
    return out;
  };
}

export async function enableSlots(peer) {
  await peer.page.evaluate(slotHelpers);
}

// Answers one call_renegotiate: adds the sections, re-offers, applies the daemon's answer.
export async function reoffer(peer, callId, slots) {
  const sdp = await peer.page.evaluate((n) => window.reofferForSlots(n), slots);
  peer.signal.send({ t: 'call_offer', call: callId, sdp });
  const answer = await peer.signal.type('call_answer', (f) => f.call === callId);
  await peer.page.evaluate((s) => window.applyAnswer(s), answer.sdp);
  return answer.sdp;
}

export function slotStats(peer) {
  return peer.page.evaluate(() => window.slotStats());
}

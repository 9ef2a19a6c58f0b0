#!/usr/bin/python3
"""A WebRTC peer built on aiortc (Debian's python3-aiortc 1.4), a second implementation next to
Chromium for the call tests (issue 5 §3). The node test does the signalling; this program talks
JSON lines with it:

  stdout  {"t":"offer","sdp":...}        once candidates are gathered (aiortc does not trickle)
          {"t":"state","connection":...,"ice":...}   whenever the connection state changes
          {"t":"stats",...}              in reply to {"t":"stats"}
          {"t":"error","message":...}
  stdin   {"t":"answer","sdp":...}       the daemon's answer
          {"t":"stats"}
          {"t":"close"}                  (or EOF) close the connection and exit 0

Options: --no-audio, --no-video (send nothing of that kind but still receive it),
--munge-fingerprint (the offer printed carries a fingerprint other than the real one, so the
daemon must refuse the DTLS handshake).
Candidates are gathered on 127.0.0.1 only, the address the test daemon listens on.
"""
import argparse
import asyncio
import fractions
import json
import math
import sys

import aioice.ice
import av
import numpy

from aiortc import RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import AudioStreamTrack, MediaStreamError, VideoStreamTrack

# aioice leaves out 127.0.0.1; the test daemon has only that address.
aioice.ice.get_host_addresses = lambda use_ipv4, use_ipv6: ['127.0.0.1'] if use_ipv4 else []

kSampleRate = 48000
kSamples = 960  # 20 ms


class Tone(AudioStreamTrack):
    """A 440 Hz sine at a third of full scale, in 20 ms frames paced in real time."""

    def __init__(self):
        super().__init__()
        self._sent = 0
        self._start = None

    async def recv(self):
        loop = asyncio.get_running_loop()
        if self._start is None:
            self._start = loop.time()
        else:
            wait = self._start + self._sent / kSampleRate - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
        t = (numpy.arange(kSamples) + self._sent) / kSampleRate
        samples = (numpy.sin(2 * math.pi * 440 * t) * 0.33 * 32767).astype(numpy.int16)
        frame = av.AudioFrame.from_ndarray(samples.reshape(1, -1), format='s16', layout='mono')
        frame.sample_rate = kSampleRate
        frame.pts = self._sent
        frame.time_base = fractions.Fraction(1, kSampleRate)
        self._sent += kSamples
        return frame


class MovingBar(VideoStreamTrack):
    """320x240 frames with a bar that moves, so every frame differs (the encoder keeps sending)."""

    def __init__(self):
        super().__init__()
        self._n = 0

    async def recv(self):
        pts, time_base = await self.next_timestamp()
        img = numpy.full((240, 320, 3), 40, numpy.uint8)
        x = (self._n * 4) % 320
        img[:, x:x + 16] = (250, 200, 30)
        self._n += 1
        frame = av.VideoFrame.from_ndarray(img, format='rgb24')
        frame.pts = pts
        frame.time_base = time_base
        return frame


class Received:
    """What arrives on one remote track: decoded frames, and for audio the energy heard
    (computed like getStats' totalAudioEnergy: sum of squared normalised samples x duration)."""

    def __init__(self):
        self.frames = 0
        self.energy = 0.0
        self.width = 0


def emit(message):
    sys.stdout.write(json.dumps(message) + '\n')
    sys.stdout.flush()


async def consume(track, received):
    try:
        while True:
            frame = await track.recv()
            received.frames += 1
            if track.kind == 'audio':
                data = frame.to_ndarray().astype(numpy.float64) / 32768.0
                if data.size:
                    received.energy += float(numpy.mean(data * data)) * frame.samples / frame.sample_rate
            else:
                received.width = frame.width
    except MediaStreamError:
        pass


async def stats(pc, received):
    out = {'t': 'stats', 'connection': pc.connectionState, 'ice': pc.iceConnectionState,
           'inbound': {}, 'outbound': {}, 'dtls': None, 'srtp': None}
    for kind, r in received.items():
        out['inbound'][kind] = {'frames': r.frames, 'energy': r.energy, 'packets': 0, 'width': r.width}
    report = await pc.getStats()
    for s in report.values():
        if s.type == 'inbound-rtp' and s.kind in out['inbound']:
            out['inbound'][s.kind]['packets'] = s.packetsReceived
        elif s.type == 'outbound-rtp':
            out['outbound'][s.kind] = {'packets': s.packetsSent, 'ssrc': s.ssrc}
    for t in pc.getTransceivers():
        transport = t.receiver.transport
        if transport is not None:
            out['dtls'] = transport.state
            break
    return out


def munge(sdp):
    """Replaces every byte of the fingerprint with another valid one (00 <-> FF style)."""
    lines = []
    for line in sdp.split('\r\n'):
        if line.startswith('a=fingerprint:sha-256 '):
            value = line.split(' ', 1)[1]
            flipped = ':'.join('%02X' % (0xFF - int(b, 16)) for b in value.split(':'))
            line = 'a=fingerprint:sha-256 ' + flipped
        lines.append(line)
    return '\r\n'.join(lines)


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--no-audio', action='store_true')
    parser.add_argument('--no-video', action='store_true')
    parser.add_argument('--recv-video', action='store_true', help='with --no-video: still offer to receive video')
    parser.add_argument('--munge-fingerprint', action='store_true')
    args = parser.parse_args()

    pc = RTCPeerConnection()
    received = {}
    tasks = []

    @pc.on('track')
    def on_track(track):
        received[track.kind] = Received()
        tasks.append(asyncio.ensure_future(consume(track, received[track.kind])))

    @pc.on('connectionstatechange')
    def on_state():
        emit({'t': 'state', 'connection': pc.connectionState, 'ice': pc.iceConnectionState})

    if args.no_audio:
        pc.addTransceiver('audio', direction='recvonly')
    else:
        pc.addTransceiver(Tone(), direction='sendrecv')
    if not args.no_video:
        pc.addTransceiver(MovingBar(), direction='sendrecv')
    elif args.recv_video:
        pc.addTransceiver('video', direction='recvonly')

    await pc.setLocalDescription(await pc.createOffer())
    sdp = pc.localDescription.sdp
    emit({'t': 'offer', 'sdp': munge(sdp) if args.munge_fingerprint else sdp})

    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while True:
        line = await reader.readline()
        if not line:
            break
        try:
            msg = json.loads(line)
            if msg['t'] == 'answer':
                await pc.setRemoteDescription(RTCSessionDescription(sdp=msg['sdp'], type='answer'))
                emit({'t': 'answered'})
            elif msg['t'] == 'stats':
                emit(await stats(pc, received))
            elif msg['t'] == 'close':
                break
        except Exception as e:  # the test sees it and fails with the reason
            emit({'t': 'error', 'message': '%s: %s' % (type(e).__name__, e)})
    await pc.close()
    for task in tasks:
        task.cancel()


if __name__ == '__main__':
    asyncio.run(main())

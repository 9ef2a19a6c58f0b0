"""A second, independent WebRTC implementation for the call tests: Debian's python3-aiortc.

Speaks JSON lines with the node test on stdin/stdout:
  out {"offer": sdp}                      once the offer (with all candidates) is ready
  in  {"answer": sdp}                     the daemon's answer, as the test relayed it
  in  {"stats": true}  -> out {"stats": {"audio_frames": n, "video_frames": n, "state": "..."}}
  in  {"close": true}  -> closes and exits
It sends a 440 Hz tone and a moving test pattern, and counts the frames it decodes.
"""
import asyncio
import fractions
import json
import math
import sys
import time

import numpy
from aiortc import RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import AudioStreamTrack, VideoStreamTrack
from av import AudioFrame, VideoFrame


class Tone(AudioStreamTrack):
    """20 ms frames of a 440 Hz sine, 48 kHz mono, paced in real time."""

    def __init__(self):
        super().__init__()
        self.samples = 0
        self.start = None

    async def recv(self):
        n = 960
        if self.start is None:
            self.start = time.time()
        else:
            await asyncio.sleep(max(0.0, self.start + (self.samples + n) / 48000 - time.time()))
        t = (numpy.arange(n) + self.samples) / 48000
        data = (numpy.sin(2 * math.pi * 440 * t) * 8000).astype(numpy.int16).reshape(1, -1)
        frame = AudioFrame.from_ndarray(data, format="s16", layout="mono")
        frame.sample_rate = 48000
        frame.pts = self.samples
        frame.time_base = fractions.Fraction(1, 48000)
        self.samples += n
        return frame


class Pattern(VideoStreamTrack):
    """A 320x240 picture whose brightness changes every frame."""

    async def recv(self):
        pts, time_base = await self.next_timestamp()
        level = (pts // 3000) % 255
        image = numpy.full((240, 320, 3), level, numpy.uint8)
        frame = VideoFrame.from_ndarray(image, format="bgr24")
        frame.pts = pts
        frame.time_base = time_base
        return frame


async def main():
    pc = RTCPeerConnection()
    counts = {"audio": 0, "video": 0}

    @pc.on("track")
    def on_track(track):
        async def drain():
            while True:
                try:
                    await track.recv()
                except Exception:
                    return
                counts[track.kind] += 1

        asyncio.ensure_future(drain())

    pc.addTrack(Tone())
    pc.addTrack(Pattern())
    await pc.setLocalDescription(await pc.createOffer())
    print(json.dumps({"offer": pc.localDescription.sdp}), flush=True)

    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while True:
        line = await reader.readline()
        if not line:
            break
        msg = json.loads(line)
        if "answer" in msg:
            await pc.setRemoteDescription(RTCSessionDescription(sdp=msg["answer"], type="answer"))
        elif "stats" in msg:
            sent = {}
            for s in (await pc.getStats()).values():
                if s.type == "outbound-rtp":
                    sent[s.kind] = s.packetsSent
            stats = {"audio_frames": counts["audio"], "video_frames": counts["video"],
                     "state": pc.connectionState, "sent": sent}
            print(json.dumps({"stats": stats}), flush=True)
        elif "close" in msg:
            break
    await pc.close()


asyncio.run(main())

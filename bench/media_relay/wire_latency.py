#!/usr/bin/env python3
"""The relay's residence time on the wire (issue 5 §4 "added latency"), from a loopback capture.

  wire_latency.py --pcap run.pcap --legs legs.txt     # prints one "WIRE key=value ..." line
  wire_latency.py --self-test                         # synthetic pcaps with known delays

The load client (media_relay --legs FILE) writes each peer's audio/video SSRC and local
candidates; peers 2i and 2i+1 are call i. A capture (tcpdump -i lo -s 96 -w, microsecond or
nanosecond pcap) then has, per direction of a call:
  in:  peer A -> relay, RTP with A's own SSRC (SRTP leaves the 12-byte header in clear);
  out: relay -> peer B, RTP with the relay's SSRC, seq and timestamp shifted by offsets that are
       constant while the source does not change (daemon/rtc/rtp/outgoing_stream.h).
The out stream to peer B of one kind (audio/video, told by size) comes from the in stream of
B's partner of that kind. Its (seq, timestamp) offsets are learnt from the data: among the
offsets that map a sample of out packets onto in packets captured BEFORE them with one constant
timestamp offset, the one that holds for (nearly) all of them; of those (audio: d and d+1 both
hold, every stream is 960 ticks per packet) the latest in packet, i.e. the smallest delay.
That picks a wrong packet only if more than 99% of a stream's packets stayed longer in the
relay than one packet interval (20 ms audio, 6.7 ms within a video frame's burst, 33 ms across
frames): the self-test has stalls of 25-60 ms in 0.5% of packets and must still come out exact.
residence = capture time(out) - capture time(in): from the client's sendto() reaching the
loopback device to the relay's sendto() of the forwarded packet (socket queue + relay work +
waiting for a CPU), without the client's own receive path.
Packets between two client peers (RELAYS=direct) are counted as `direct` and never matched.
Python 3 stdlib only.
"""
import argparse
import bisect
import os
import random
import struct
import sys
import tempfile

AUDIO, VIDEO = 'audio', 'video'


def read_pcap(path):
    """Yields (t_ns, src_ip, sport, dst_ip, dport, udp_payload, payload length) of IPv4 UDP
    packets (the payload is cut at the snap length, the length is the UDP header's)."""
    with open(path, 'rb') as f:
        data = f.read()
    if len(data) < 24:
        return
    magic = data[:4]
    table = {b'\xd4\xc3\xb2\xa1': ('<', 1000), b'\xa1\xb2\xc3\xd4': ('>', 1000),
             b'\x4d\x3c\xb2\xa1': ('<', 1), b'\xa1\xb2\x3c\x4d': ('>', 1)}
    if magic not in table:
        raise ValueError(f'{path}: not a pcap file (magic {magic.hex()})')
    endian, mult = table[magic]
    linktype = struct.unpack_from(endian + 'I', data, 20)[0]
    # Offset of the IP header: Ethernet 14 (tcpdump -i lo), Linux cooked 16, raw IP 0, BSD null 4.
    l2 = {1: 14, 113: 16, 101: 0, 228: 0, 0: 4, 276: 20}.get(linktype)
    if l2 is None:
        raise ValueError(f'{path}: unsupported link type {linktype}')
    rec = struct.Struct(endian + 'IIII')
    off = 24
    n = len(data)
    while off + 16 <= n:
        sec, frac, incl, _orig = rec.unpack_from(data, off)
        off += 16
        pkt = data[off:off + incl]
        off += incl
        if len(pkt) < l2 + 28:
            continue
        if linktype == 1 and pkt[12:14] != b'\x08\x00':
            continue
        ip = l2
        if pkt[ip] >> 4 != 4 or pkt[ip + 9] != 17:
            continue
        ihl = (pkt[ip] & 15) * 4
        u = ip + ihl
        sport, dport, ulen = struct.unpack_from('>HHH', pkt, u)
        yield (sec * 1_000_000_000 + frac * mult, pkt[ip + 12:ip + 16], sport,
               pkt[ip + 16:ip + 20], dport, pkt[u + 8:], ulen - 8)


def read_legs(path):
    """peers: index -> {'audio': ssrc, 'video': ssrc}; where: (ip bytes, port) -> index."""
    peers, where = {}, {}
    for line in open(path):
        parts = line.split()
        if len(parts) >= 4 and parts[0] == 'PEER':
            peers[int(parts[1])] = {AUDIO: int(parts[2]), VIDEO: int(parts[3])}
        elif len(parts) >= 3 and parts[0] == 'CAND' and 'typ' in parts:
            t = parts.index('typ')
            if t >= 2 and parts[t - 2].count('.') == 3:
                ip = bytes(int(x) for x in parts[t - 2].split('.'))
                where[(ip, int(parts[t - 1]))] = int(parts[1])
    return peers, where


def rtp_header(p):
    """(pt, seq, ts, ssrc) of an RTP packet, None for STUN, DTLS, RTCP or anything else."""
    if len(p) < 12 or p[0] >> 6 != 2:
        return None
    pt = p[1] & 0x7F
    if 64 <= pt <= 95:  # RTCP (RFC 5761: 200-206 with the marker bit)
        return None
    seq, ts, ssrc = struct.unpack_from('>HII', p, 2)
    return pt, seq, ts, ssrc


def quantile(sorted_vals, q):
    """The same definition as the load client's histogram: the ceil(q*(n-1))+1-th smallest."""
    if not sorted_vals:
        return 0
    k = int(q * (len(sorted_vals) - 1)) + 1
    return sorted_vals[min(len(sorted_vals), k) - 1]


def learn_offset(outs, ins_sorted):
    """(seq offset, ts offset) of one out stream over its in stream, or None."""
    if not outs or not ins_sorted:
        return None
    in_times = [x[0] for x in ins_sorted]
    by_seq = {x[1]: x for x in ins_sorted}
    step = max(1, len(outs) // 150)
    sample = outs[::step]
    votes = {}
    for t_o, seq_o, ts_o in sample:
        hi = bisect.bisect_right(in_times, t_o)
        lo = bisect.bisect_left(in_times, t_o - 200_000_000)
        seen = set()
        for t_i, seq_i, ts_i in ins_sorted[lo:hi]:
            key = ((seq_o - seq_i) & 0xFFFF, (ts_o - ts_i) & 0xFFFFFFFF)
            if key not in seen:
                seen.add(key)
                votes[key] = votes.get(key, 0) + 1
    if not votes:
        return None
    best = max(votes.values())
    good = [k for k, v in votes.items() if v >= 0.99 * best]

    def delay(key):  # median delay over the sample: the smallest wins (the latest in packet)
        d = []
        for t_o, seq_o, ts_o in sample:
            x = by_seq.get((seq_o - key[0]) & 0xFFFF)
            if x is not None and x[0] <= t_o:
                d.append(t_o - x[0])
        d.sort()
        return d[len(d) // 2] if d else float('inf')
    return min(good, key=delay)


def analyse(pcap, legs, window=None, timeline=None):
    """window: (start, end) in the capture's clock (ns): only packets that entered the relay
    then count (the load client's window, by send time); None = the whole capture.
    timeline: a list that receives (t_in, t_out, receiver index, kind) of every matched packet."""
    peers, where = read_legs(legs)
    ssrc_kind = {}
    for idx, s in peers.items():
        ssrc_kind[(idx, s[AUDIO])] = AUDIO
        ssrc_kind[(idx, s[VIDEO])] = VIDEO
    ins = {}    # (sender index, kind) -> [(t, seq, ts)]
    outs = {}   # (receiver index, relay ssrc) -> [(t, seq, ts)], plus sizes for the kind
    out_size = {}
    counts = {'udp': 0, 'rtp': 0, 'direct': 0, 'in_other': 0, 'unknown': 0}
    t_first = t_last = None
    for t, sip, sp, dip, dp, p, plen in read_pcap(pcap):
        counts['udp'] += 1
        h = rtp_header(p)
        if h is None:
            continue
        counts['rtp'] += 1
        t_first = t if t_first is None else min(t_first, t)
        t_last = t if t_last is None else max(t_last, t)
        src = where.get((sip, sp))
        dst = where.get((dip, dp))
        _pt, seq, ts, ssrc = h
        if src is not None and dst is not None:
            counts['direct'] += 1
        elif src is not None:
            kind = ssrc_kind.get((src, ssrc))
            if kind is None:
                counts['in_other'] += 1
            elif window is None or window[0] <= t < window[1]:
                ins.setdefault((src, kind), []).append((t, seq, ts))
        elif dst is not None:
            outs.setdefault((dst, ssrc), []).append((t, seq, ts))
            out_size.setdefault((dst, ssrc), plen)
        else:
            counts['unknown'] += 1
    residence = []
    in_total = sum(len(v) for v in ins.values())
    out_total = sum(len(v) for v in outs.values())
    streams = unpaired = 0
    for (dst, ssrc), ol in outs.items():
        kind = VIDEO if out_size[(dst, ssrc)] > 400 else AUDIO
        il = ins.get((dst ^ 1, kind))
        streams += 1
        if not il:
            unpaired += 1
            continue
        il.sort()
        ol.sort()
        off = learn_offset(ol, il)
        if off is None:
            unpaired += 1
            continue
        by_seq = {x[1]: x for x in il}
        for t_o, seq_o, ts_o in ol:
            x = by_seq.get((seq_o - off[0]) & 0xFFFF)
            if x is not None and (ts_o - x[2]) & 0xFFFFFFFF == off[1] and x[0] <= t_o:
                residence.append(t_o - x[0])
                if timeline is not None:
                    timeline.append((x[0], t_o, dst, kind))
    residence.sort()
    us = lambda ns: ns / 1000.0
    r = {
        'wire_in': in_total, 'wire_out': out_total, 'wire_matched': len(residence),
        'wire_matched_pct': 100.0 * len(residence) / in_total if in_total else 0.0,
        'wire_streams': streams, 'wire_unpaired': unpaired, 'wire_direct': counts['direct'],
        'wire_p50_us': us(quantile(residence, 0.50)), 'wire_p99_us': us(quantile(residence, 0.99)),
        'wire_p999_us': us(quantile(residence, 0.999)),
        'wire_max_us': us(residence[-1]) if residence else 0.0,
        'wire_seconds': (t_last - t_first) / 1e9 if t_first is not None else 0.0,
    }
    return r, residence


def fmt(r):
    return 'WIRE ' + ' '.join(f'{k}={v:.3f}' if isinstance(v, float) else f'{k}={v}' for k, v in r.items())


# --------------------------------------------------------------------------------------------
# Self-test: synthetic captures with known residence times.

def write_pcap(path, packets, nano):
    """packets: (t_ns, src_ip, sport, dst_ip, dport, payload); Ethernet link type like lo."""
    with open(path, 'wb') as f:
        f.write(struct.pack('<IHHiIII', 0xA1B23C4D if nano else 0xA1B2C3D4, 2, 4, 0, 0, 96, 1))
        for t, sip, sp, dip, dp, pay, *_ in packets:
            udp = struct.pack('>HHHH', sp, dp, 8 + len(pay), 0) + pay
            ip = struct.pack('>BBHHHBBH4s4s', 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0, sip, dip) + udp
            frame = b'\x00' * 12 + b'\x08\x00' + ip
            cap = frame[:96]
            frac = t % 1_000_000_000 if nano else (t % 1_000_000_000) // 1000
            f.write(struct.pack('<IIII', t // 1_000_000_000, frac, len(cap), len(frame)) + cap)


def rtp(pt, seq, ts, ssrc, size, marker=False):
    return struct.pack('>BBHII', 0x80, (0x80 if marker else 0) | pt, seq & 0xFFFF,
                       ts & 0xFFFFFFFF, ssrc) + b'\xA5' * (size - 12)


def synth(tmp, calls, video, nano, seed):
    """A run like the load client's: 5 ms ticks, audio 50/s, video 30 fps x 5 packets; the relay
    forwards each packet after a known delay (mostly 20-900 us, some queueing, 0.5% stalls of
    25-60 ms), drops 0.2%. Returns (pcap, legs, expected sorted residences, in packet count)."""
    rnd = random.Random(seed)
    lo = bytes([127, 0, 0, 1])
    legs = []
    packets = []
    expected = []
    n_in = 0
    t0 = 1_700_000_000 * 1_000_000_000 + 123_456_789
    relay_port = {}
    for i in range(2 * calls):
        a, v = rnd.randrange(1, 2**32), rnd.randrange(1, 2**32)
        legs.append(f'PEER {i} {a} {v}')
        legs.append(f'CAND {i} candidate:1 1 udp 2130706431 127.0.0.1 {50000 + i} typ host')
        relay_port[i] = 40000 + i
    # A direct-looking packet between two peers and a few non-RTP packets: ignored.
    packets.append((t0, lo, 50000, lo, 50001, rtp(111, 1, 1, 12345, 100)))
    packets.append((t0 + 1, lo, 50000, lo, 40000, b'\x00\x01\x00\x00' + b'\x00' * 16))  # STUN
    packets.append((t0 + 2, lo, 50000, lo, 40000, b'\x81\xc8' + b'\x00' * 30))  # RTCP SR
    ssrcs = {int(l.split()[1]): (int(l.split()[2]), int(l.split()[3])) for l in legs if l.startswith('PEER')}
    for i in range(2 * calls):
        partner = i ^ 1
        kinds = [(AUDIO, 20_000_000, 1, 960, 128)] + ([(VIDEO, 33_333_333, 5, 3000, 1128)] if video else [])
        for kind, interval, per, tstep, size in kinds:
            ssrc_in = ssrcs[i][0 if kind == AUDIO else 1]
            ssrc_out = rnd.randrange(1, 2**32)
            seq_off = rnd.randrange(0, 65536)  # wraps within the run for some streams
            seq_off = 65535 - 30 if i == 0 else seq_off
            ts_off = rnd.randrange(0, 2**32)
            phase = rnd.randrange(0, interval)
            seq = 0
            ts = 0
            t_send = t0 + 1000 + phase
            while t_send < t0 + 3_000_000_000:
                tick = t_send - (t_send - t0) % 5_000_000 + 5_000_000  # sent at the next 5 ms tick
                for k in range(per):
                    t_in = tick + k * 2000 + rnd.randrange(0, 50_000)
                    packets.append((t_in, lo, 50000 + i, lo, relay_port[i],
                                    rtp(111 if kind == AUDIO else 96, seq, ts, ssrc_in, size, k == per - 1)))
                    n_in += 1
                    u = rnd.random()
                    if u < 0.002:
                        pass  # dropped by the relay: never matched
                    else:
                        if u < 0.007:
                            d = rnd.randrange(25_000_000, 60_000_000)  # a stall
                        elif u < 0.05:
                            d = rnd.randrange(1_000_000, 5_000_000)
                        else:
                            d = rnd.randrange(20_000, 900_000)
                        packets.append((t_in + d, lo, relay_port[partner], lo, 50000 + partner,
                                        rtp(100 if kind == AUDIO else 120, seq + seq_off, ts + ts_off,
                                            ssrc_out, size, k == per - 1)))
                        expected.append((t_in, d))
                    seq += 1
                ts += tstep
                t_send += interval
    packets.sort(key=lambda x: x[0])
    pcap = os.path.join(tmp, f'synth-{seed}.pcap')
    legs_path = os.path.join(tmp, f'synth-{seed}.legs')
    write_pcap(pcap, packets, nano)
    with open(legs_path, 'w') as f:
        f.write('\n'.join(legs) + '\n')
    if nano:
        res = sorted(d for _t, d in expected)
    else:  # both times truncated to microseconds in the file
        res = sorted((t + d) // 1000 * 1000 - t // 1000 * 1000 for t, d in expected)
    synth.last = expected  # (t_in, delay) of every forwarded packet, for the window test
    return pcap, legs_path, res, n_in


def self_test():
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        for calls, video, nano, seed in [(3, True, True, 1), (4, False, False, 2), (2, True, False, 3)]:
            pcap, legs, res, n_in = synth(tmp, calls, video, nano, seed)
            r, got = analyse(pcap, legs)
            want = {'wire_matched': len(res), 'wire_in': n_in, 'wire_direct': 1,
                    'wire_p50_us': quantile(res, 0.5) / 1000.0, 'wire_p99_us': quantile(res, 0.99) / 1000.0,
                    'wire_p999_us': quantile(res, 0.999) / 1000.0, 'wire_max_us': res[-1] / 1000.0}
            bad = {k: (r[k], v) for k, v in want.items() if r[k] != v}
            if got != res:
                bad['residences'] = 'differ'
            name = f'{calls} calls {"A+V" if video else "audio"} {"ns" if nano else "us"} pcap'
            print(f'self-test {name}: {"ok" if not bad else "FAIL " + repr(bad)}  {fmt(r)}')
            ok = ok and not bad
        # A window (the client's): only packets that entered the relay inside it count.
        pcap, legs, _res, _n = synth(tmp, 2, True, True, 5)
        t0 = min(t for t, _d in synth.last)
        win = (t0 + 1_000_000_000, t0 + 2_000_000_000)
        want = sorted(d for t, d in synth.last if win[0] <= t < win[1])
        r, got = analyse(pcap, legs, win)
        good = got == want and r['wire_matched'] == len(want)
        print(f'self-test window: {"ok" if good else "FAIL"}  {fmt(r)}')
        ok = ok and good
        # RELAYS=direct: the peers send to each other, no relay forwards anything: nothing may
        # be matched, every RTP packet counts as direct.
        pcap, legs, _res, n_in = synth(tmp, 2, True, True, 4)
        direct = [(t, sip, sp, dip, 50000 + ((sp - 50000) ^ 1), pay)
                  for t, sip, sp, dip, dp, pay, _l in read_pcap(pcap) if sp >= 50000 and dp < 50000]
        write_pcap(pcap, direct, True)
        r, _ = analyse(pcap, legs)
        good = r['wire_matched'] == 0 and r['wire_out'] == 0 and r['wire_direct'] == n_in
        print(f'self-test RELAYS=direct (no relay): {"ok" if good else "FAIL"}  {fmt(r)}')
        ok = ok and good
    print('self-test', 'passed' if ok else 'FAILED')
    return 0 if ok else 1


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--pcap')
    ap.add_argument('--legs')
    ap.add_argument('--self-test', action='store_true')
    ap.add_argument('--window-start', type=float,
                    help="the client's window start, CLOCK_MONOTONIC seconds (its 'window start:')")
    ap.add_argument('--window-seconds', type=float)
    ap.add_argument('--realtime-offset-ns', type=int,
                    help='CLOCK_REALTIME - CLOCK_MONOTONIC (the capture is on CLOCK_REALTIME)')
    ap.add_argument('--timeline',
                    help='also write every matched packet as "t_in_ns t_out_ns receiver kind" '
                         '(capture clock, CLOCK_REALTIME): to line late packets up with a '
                         'scheduler trace (perf sched record -k CLOCK_REALTIME)')
    a = ap.parse_args()
    if a.self_test:
        return self_test()
    if not a.pcap or not a.legs:
        ap.error('--pcap and --legs (or --self-test)')
    window = None
    if a.window_start is not None and a.window_seconds and a.realtime_offset_ns is not None:
        start = int(a.window_start * 1e9) + a.realtime_offset_ns
        window = (start, start + int(a.window_seconds * 1e9))
    timeline = [] if a.timeline else None
    r, _ = analyse(a.pcap, a.legs, window, timeline)
    print(fmt(r))
    if timeline is not None:
        timeline.sort()
        with open(a.timeline, 'w') as f:
            for t_in, t_out, dst, kind in timeline:
                f.write(f'{t_in} {t_out} {dst} {kind}\n')
    return 0


if __name__ == '__main__':
    sys.exit(main())

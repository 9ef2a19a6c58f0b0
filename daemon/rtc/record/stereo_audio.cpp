#include "rtc/record/stereo_audio.h"

#include <algorithm>
#include <utility>

#include "rtc/record/ogg_writer.h"
#include "rtc/record/opus_packet.h"
#include "rtc/record/time_mapper.h"
#include "rtc/rtp/rtp_packet.h"

namespace callpy::rtc::record {

namespace {

using Slotted = std::vector<std::pair<std::int64_t, std::vector<std::uint8_t>>>;

// One side's 20 ms Opus packets by slot. A packet of several 20 ms frames (40/60 ms ptime) is
// split into single-frame packets, which needs no re-encoding.
Slotted slotSide(std::span<const RawPacket> side, std::uint64_t epochUs, StereoAudioStats& stats) {
  Slotted out;
  TimeMapper mapper(48000, epochUs);
  std::vector<std::uint8_t> copy;
  for (const RawPacket& raw : side) {
    copy = raw.bytes;  // RtpPacket views mutable bytes
    const auto rtp = rtp::RtpPacket::parse(copy.data(), copy.size());
    if (!rtp) {
      ++stats.unsupported;
      continue;
    }
    const auto payload = rtp->payload();
    if (payload.empty()) continue;  // padding-only
    const auto info = parseOpusPacket(payload);
    const std::int64_t position = mapper.map(rtp->ssrc(), rtp->timestamp(), raw.arrivalUs);
    if (!info ||
        (info->samples() != kOpusSlotSamples && info->samplesPerFrame != kOpusSlotSamples)) {
      ++stats.unsupported;
      continue;
    }
    const std::int64_t slot = (position + kOpusSlotSamples / 2) / kOpusSlotSamples;
    if (info->samples() == kOpusSlotSamples) {
      out.emplace_back(slot, std::vector<std::uint8_t>(payload.begin(), payload.end()));
      continue;
    }
    // N frames of 20 ms: code 0 packets of one frame each, same configuration.
    std::size_t offset = info->headerLength;
    for (std::size_t i = 0; i < info->frameCount; ++i) {
      std::vector<std::uint8_t> one;
      one.reserve(1 + info->frameSize[i]);
      one.push_back(static_cast<std::uint8_t>(info->toc & 0xFC));
      one.insert(one.end(), payload.begin() + static_cast<long>(offset),
                 payload.begin() + static_cast<long>(offset + info->frameSize[i]));
      offset += info->frameSize[i];
      out.emplace_back(slot + static_cast<std::int64_t>(i), std::move(one));
    }
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  // Keep the first packet per slot (a re-anchored sender may overlap itself briefly).
  Slotted unique;
  unique.reserve(out.size());
  for (auto& e : out) {
    if (e.first < 0 || (!unique.empty() && unique.back().first == e.first)) {
      ++stats.duplicates;
      continue;
    }
    unique.push_back(std::move(e));
  }
  return unique;
}

}  // namespace

StereoAudio mixOpusVoices(std::span<const std::span<const RawPacket>> voices, std::uint64_t epochUs) {
  StereoAudio audio;
  const std::size_t n = std::min<std::size_t>(voices.size(), kMaxOpusVoices);
  audio.channels = static_cast<int>(n);
  std::vector<Slotted> sides;
  sides.reserve(n);
  // Each voice has its own time mapper: one who joins late is anchored at its first packet's
  // arrival, so the slots before it (and after it left) are silence on its channel only.
  for (std::size_t v = 0; v < n; ++v) sides.push_back(slotSide(voices[v], epochUs, audio.stats));
  std::int64_t first = INT64_MAX, last = INT64_MIN;
  for (const auto& s : sides) {
    if (s.empty()) continue;
    first = std::min(first, s.front().first);
    last = std::max(last, s.back().first);
  }
  if (first == INT64_MAX) return audio;
  audio.firstSlot = first;
  audio.packets.reserve(static_cast<std::size_t>(last - first + 1));
  std::vector<std::size_t> next(n, 0);
  for (std::int64_t slot = first; slot <= last; ++slot) {
    std::vector<std::uint8_t> packet;
    for (std::size_t side = 0; side < n; ++side) {
      std::span<const std::uint8_t> opus{kOpusSilence20ms};
      if (next[side] < sides[side].size() && sides[side][next[side]].first == slot) {
        opus = sides[side][next[side]++].second;
        ++audio.stats.packets[side];
      } else {
        ++audio.stats.silence[side];
      }
      if (side + 1 < n) {
        appendSelfDelimited(opus, *parseOpusPacket(opus), packet);  // RFC 7845 §5.1.1
      } else {
        packet.insert(packet.end(), opus.begin(), opus.end());
      }
    }
    audio.packets.push_back(std::move(packet));
  }
  return audio;
}

StereoAudio mixStereoOpus(std::span<const RawPacket> visitor,
                          std::span<const RawPacket> operatorSide, std::uint64_t epochUs) {
  const std::span<const RawPacket> voices[2] = {visitor, operatorSide};
  return mixOpusVoices(voices, epochUs);
}

std::vector<std::uint8_t> opusHeadMultistream(int channels) {
  // Family 1 allows 1..8 channels; one uncoupled stream per channel, channel i = stream i.
  channels = std::clamp(channels, 1, 8);
  std::vector<std::uint8_t> h = {'O', 'p', 'u', 's', 'H', 'e', 'a', 'd',
                                 1,                                        // version
                                 static_cast<std::uint8_t>(channels),      // channels
                                 kOpusPreSkip & 0xFF, kOpusPreSkip >> 8,   // pre-skip
                                 0x80, 0xBB, 0x00, 0x00,                   // 48000 Hz input
                                 0, 0,                                     // output gain
                                 1,                                        // mapping family
                                 static_cast<std::uint8_t>(channels),      // streams
                                 0};                                       // coupled streams
  for (int c = 0; c < channels; ++c) h.push_back(static_cast<std::uint8_t>(c));
  return h;
}

std::vector<std::uint8_t> opusHeadStereoMultistream() { return opusHeadMultistream(2); }

std::vector<std::uint8_t> opusTags() {
  static constexpr char kVendor[] = "callpy";
  std::vector<std::uint8_t> t = {'O', 'p', 'u', 's', 'T', 'a', 'g', 's'};
  const std::size_t n = sizeof kVendor - 1;
  for (int i = 0; i < 4; ++i) t.push_back(static_cast<std::uint8_t>(n >> (8 * i)));
  t.insert(t.end(), kVendor, kVendor + n);
  for (int i = 0; i < 4; ++i) t.push_back(0);  // no user comments
  return t;
}

void writeOggOpus(const StereoAudio& audio, std::ostream& out, std::uint32_t serial) {
  OggWriter ogg(out, serial);
  ogg.addPacket(opusHeadMultistream(audio.channels), 0);
  ogg.flush();  // RFC 7845 §3: the ID header alone on the first page
  ogg.addPacket(opusTags(), 0);
  ogg.flush();  // and the comment header finishes its page
  std::int64_t granule = 0;
  for (std::size_t i = 0; i < audio.packets.size(); ++i) {
    granule += kOpusSlotSamples;
    ogg.addPacket(audio.packets[i], granule, i + 1 == audio.packets.size());
  }
  if (audio.packets.empty()) ogg.flush(true);
}

}  // namespace callpy::rtc::record

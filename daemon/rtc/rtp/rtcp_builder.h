#pragma once
// RTCP packet builders. Each writes one packet at the start of `out` and returns its length, or
// 0 when it does not fit (or the input cannot be encoded); nothing allocates. Concatenate the
// results for a compound (RFC 3550 §6.1: SR or RR first).
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "rtc/rtp/rtcp_packet.h"

namespace callpy::rtc::rtp {

inline constexpr std::size_t kMaxReportBlocks = 31;

std::size_t buildReceiverReport(std::span<std::uint8_t> out, std::uint32_t senderSsrc,
                                std::span<const ReportBlock> blocks);
std::size_t buildSenderReport(std::span<std::uint8_t> out, std::uint32_t senderSsrc,
                              const SenderInfo& info, std::span<const ReportBlock> blocks);
// One chunk with one CNAME item (cname at most 255 bytes).
std::size_t buildSdesCname(std::span<std::uint8_t> out, std::uint32_t ssrc, std::string_view cname);
// Packs `seqs` (ascending, as a receiver finds the gaps) into PID/BLP pairs: a sequence number
// within 16 after the current PID joins its bitmask, anything else starts a new pair.
std::size_t buildNack(std::span<std::uint8_t> out, std::uint32_t senderSsrc,
                      std::uint32_t mediaSsrc, std::span<const std::uint16_t> seqs);
std::size_t buildPli(std::span<std::uint8_t> out, std::uint32_t senderSsrc,
                     std::uint32_t mediaSsrc);
// RFC 5104 FIR: the media SSRC of the header is 0, the target goes into the one FCI entry;
// seqNr increases by one per new request (not per retransmission of the same request).
std::size_t buildFir(std::span<std::uint8_t> out, std::uint32_t senderSsrc,
                     std::uint32_t targetSsrc, std::uint8_t seqNr);

}  // namespace callpy::rtc::rtp

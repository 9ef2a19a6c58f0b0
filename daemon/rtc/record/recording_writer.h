#pragma once
// Call recording while the call runs. The media thread hands every decrypted RTP packet it
// relays to Recording::packet(), which only copies it into a preallocated ring (no lock, no
// allocation, never blocks; a full ring drops and counts). The writer thread (callpy-record)
// drains the rings into one raw file per track. After finish() the raw files are synced and
// closed, and the converter thread (callpy-convert, so that a long conversion never delays the
// draining of other calls; at SCHED_IDLE, so that it yields any CPU live media wants,
// thread_priority.h) makes the playable file, reports it through the completion callback and
// deletes the raw files. Each track's negotiated payload types (setCodecs) go into its raw
// file (raw_file.h: the header record, and a codec record where they change), so the converter
// knows every packet's codec instead of guessing it.
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "rtc/record/converter.h"
#include "rtc/record/packet_ring.h"
#include "rtc/record/raw_file.h"
#include "rtc/record/track.h"

namespace callpy::rtc::record {

struct RecordingResult {
  std::string callId;
  bool ok = false;
  std::string path;       // the playable file when ok
  std::string mediaType;  // "audio/ogg" or "video/webm"
  std::string error;      // why not, when !ok
  double durationMs = 0;
  std::uint64_t packets = 0;  // packets stored
  std::uint64_t dropped = 0;  // ring full, oversized, or after finish()
  ConvertResult conversion;   // details (frames, silence filled, losses)
  // The writer stopped before converting a resumable recording: its raw files and sidecar stay
  // for the next start (RecordingWriter::convertExisting); nothing was converted or removed.
  bool deferred = false;
};
using RecordingDone = std::function<void(const RecordingResult&)>;

namespace detail {
struct WriterCore;
}

class Recording {
 public:
  Recording(const Recording&) = delete;
  Recording& operator=(const Recording&) = delete;
  ~Recording();

  // Media thread: copies one decrypted RTP packet. Never blocks or allocates.
  void packet(Track track, const std::uint8_t* rtp, std::size_t len,
              std::uint64_t arrivalUs) noexcept;
  // The payload types `track`'s sender negotiated (its current leg): the packets handed to
  // packet() for that track after this call are of these codecs. Called when a track gets a new
  // source (recording started, a leg connected or moved to another device), not per packet: it
  // takes a lock and allocates. An unchanged map is not stored again. Any thread, but ordered
  // with packet() only when called from the thread that calls packet() for the track.
  void setCodecs(Track track, CodecMap codecs);
  // Any thread, idempotent: no more packets; the file is made in the background.
  void finish();

  const std::string& callId() const { return callId_; }
  std::uint64_t packets() const { return packets_.load(std::memory_order_relaxed); }
  std::uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }

 private:
  friend class RecordingWriter;
  friend struct detail::WriterCore;
  Recording(std::shared_ptr<detail::WriterCore> core, std::string directory, std::string callId,
            RecordingDone done, std::size_t ringSlots);

  std::shared_ptr<detail::WriterCore> core_;
  const std::string directory_, callId_;
  RecordingDone done_;
  PacketRing ring_;
  std::atomic<bool> finishing_{false};
  std::atomic<std::uint64_t> packets_{0}, dropped_{0};
  // Codec maps by generation per track (the slots carry the generation in force); the writer
  // takes the one a packet needs and forgets the older ones. Only a few entries: one per source.
  std::mutex codecsMutex_;
  std::array<std::vector<std::pair<std::uint32_t, CodecMap>>, kTracks> codecMaps_;
  std::uint32_t lastCodecs_ = 0;
  std::array<std::atomic<std::uint32_t>, kTracks> codecsInForce_{};
  CodecMap codecsOf(std::size_t track, std::uint32_t generation);
  // Writer thread only.
  std::array<std::uint32_t, kTracks> codecsWritten_{};
  std::array<std::FILE*, kTracks> files_{};
  TrackPaths paths_;
  std::string error_;
  bool resumable_ = false;  // a sidecar was written: keep the raw files at shutdown
};

class RecordingWriter {
 public:
  struct Options {
    std::size_t ringSlots = 1024;  // per recording, 1.5 KB each
    std::chrono::milliseconds drainInterval{20};  // while a recording runs; idle = no wakeups
    CompositeOptions video{};  // composed recordings: canvas size, encoder threads (rtc.recording)
  };
  RecordingWriter();
  explicit RecordingWriter(Options options);
  // Finishes every running recording to its raw files (flushed and fsync'd), then joins. Queued
  // conversions of resumable recordings are not started: their callbacks get `deferred` and their
  // files stay for the next start, so a stop is not held up by minutes of converting; a running
  // conversion of a resumable recording is cancelled (within one output frame, its partial output
  // removed) and reported `deferred` likewise. Other recordings are converted as before.
  ~RecordingWriter();
  RecordingWriter(const RecordingWriter&) = delete;
  RecordingWriter& operator=(const RecordingWriter&) = delete;
  // The daemon is stopping (called before the calls end, so that ending them does not start a
  // conversion): from now on, resumable recordings are only finished to their raw files, their
  // conversions deferred to the next start, and one running now is cancelled (deferred too).
  // Recording and draining go on until destruction.
  void beginShutdown();

  // Starts a recording whose files go to `directory` (created if missing) as
  // "<callId>.<track>.rtp" while it runs and "<callId>.ogg|.webm" at the end. `callId` must be
  // 1-64 characters of [A-Za-z0-9_-] (std::invalid_argument otherwise). `done` runs on the
  // converter thread.
  // `resumable`: the caller wrote a sidecar (sidecarPath) describing the recording; it is kept
  // with the raw files when the writer stops before converting, and removed with them after the
  // callback of a conversion.
  std::shared_ptr<Recording> start(std::string directory, std::string callId, RecordingDone done,
                                   bool resumable = false);
  // Queues the conversion of raw files left by an earlier run ("<callId>.<track>.rtp" in
  // `directory`), as if that recording had just finished: `done` runs on the converter thread,
  // then the raw files and the sidecar are removed. False (nothing queued) when there are no raw
  // files; std::invalid_argument for a bad id, std::logic_error when the writer is stopping.
  bool convertExisting(std::string directory, std::string callId, RecordingDone done);
  // The raw files of a recording that are present (an empty path: that track has none).
  static TrackPaths rawFiles(const std::string& directory, const std::string& callId);
  static std::string sidecarPath(const std::string& directory, const std::string& callId);
  // How often the writer thread has woken up (tests: it must not poll while nothing records).
  std::uint64_t writerPasses() const;

 private:
  Options options_;
  std::shared_ptr<detail::WriterCore> core_;
};

}  // namespace callpy::rtc::record

#include "rtc/record/recording_writer.h"

#include <pthread.h>
#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "rtc/record/raw_file.h"
#include "rtc/record/thread_priority.h"

namespace callpy::rtc::record {

std::string_view trackName(Track t) {
  static constexpr std::string_view kNames[kTracks] = {
      "visitor-audio",   "visitor-camera",   "visitor-screen",
      "operator-audio",  "operator-camera",  "operator-screen",
      "operator2-audio", "operator2-camera", "operator2-screen",
      "operator3-audio", "operator3-camera", "operator3-screen"};
  return kNames[trackIndex(t)];
}

namespace detail {

struct Job {
  std::shared_ptr<Recording> recording;
};

struct WriterCore {
  std::mutex mutex;
  std::condition_variable wake;
  bool woken = false;
  bool stopping = false;
  std::vector<std::shared_ptr<Recording>> active;
  std::atomic<std::uint64_t> passes{0};
  std::mutex jobsMutex;
  std::condition_variable jobsWake;
  std::deque<std::shared_ptr<Recording>> jobs;
  bool writerDone = false;
  // beginShutdown() or the destructor: start no deferrable conversion, and cancel a running one
  // of a resumable recording (the converter's cancel flag for those).
  std::atomic<bool> stopRequested{false};
  std::thread writer, converter;
  CompositeOptions video;  // composed recordings: size, encoder threads (set before the threads)

  void notify() {
    {
      std::lock_guard lock(mutex);
      woken = true;
    }
    wake.notify_one();
  }
  void writerLoop(std::chrono::milliseconds interval);
  void converterLoop();
  static void drain(Recording& r);
};

namespace {

std::string rawPath(const std::string& directory, const std::string& callId, std::size_t track) {
  return (std::filesystem::path(directory) /
          (callId + "." + std::string(trackName(trackAt(track))) + ".rtp"))
      .string();
}

void validateId(const std::string& callId) {
  const bool valid = !callId.empty() && callId.size() <= 64 &&
                     std::all_of(callId.begin(), callId.end(), [](char c) {
                       return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                              (c >= '0' && c <= '9') || c == '-' || c == '_';
                     });
  if (!valid) throw std::invalid_argument("recording: bad call id");
}

void closeFiles(std::array<std::FILE*, kTracks>& files, std::string& error) {
  for (std::FILE*& f : files) {
    if (!f) continue;
    // The raw files are the only copy of the call until the conversion: make them durable.
    if (std::fflush(f) != 0 || ::fsync(::fileno(f)) != 0) {
      if (error.empty()) error = "cannot sync a raw recording file";
    }
    std::fclose(f);
    f = nullptr;
  }
}

}  // namespace

void WriterCore::drain(Recording& r) {
  r.ring_.drain([&](const PacketSlot& s) {
    if (!r.error_.empty()) return;
    std::FILE*& f = r.files_[s.track];
    std::uint32_t& written = r.codecsWritten_[s.track];
    if (!f) {
      std::error_code ec;
      std::filesystem::create_directories(r.directory_, ec);
      const std::string path = rawPath(r.directory_, r.callId_, s.track);
      f = std::fopen(path.c_str(), "wb");
      written = s.codecs;
      if (!f || !writeRawHeader(f, r.codecsOf(s.track, s.codecs), s.arrivalUs)) {
        r.error_ = "cannot write " + path;
        return;
      }
      r.paths_[s.track] = path;
    } else if (s.codecs != written) {
      // The track's negotiation changed (a new leg): the packets from here on are of the new map.
      written = s.codecs;
      if (!writeCodecRecord(f, s.arrivalUs, r.codecsOf(s.track, s.codecs))) {
        r.error_ = "cannot write " + r.paths_[s.track];
        return;
      }
    }
    if (!writeRawRecord(f, s.arrivalUs, s.data, s.length))
      r.error_ = "cannot write " + r.paths_[s.track];
  });
}

void WriterCore::writerLoop(std::chrono::milliseconds interval) {
  pthread_setname_np(pthread_self(), "callpy-record");
  std::vector<std::shared_ptr<Recording>> list;
  for (;;) {
    bool stop = false;
    {
      std::unique_lock lock(mutex);
      // Idle (no recording running): sleep until start() or shutdown, not every interval; a
      // recording just started is first drained one interval later, like any other.
      if (active.empty()) wake.wait(lock, [&] { return woken || stopping || !active.empty(); });
      if (!woken && !stopping) wake.wait_for(lock, interval, [&] { return woken || stopping; });
      passes.fetch_add(1, std::memory_order_relaxed);
      woken = false;
      stop = stopping;
      list = active;
    }
    for (const auto& r : list) {
      const bool last = r->finishing_.load(std::memory_order_acquire) || stop;
      if (last) r->finishing_.store(true, std::memory_order_release);
      drain(*r);
      if (!last) continue;
      closeFiles(r->files_, r->error_);
      {
        std::lock_guard lock(mutex);
        active.erase(std::find(active.begin(), active.end(), r));
      }
      {
        std::lock_guard lock(jobsMutex);
        jobs.push_back(r);
      }
      jobsWake.notify_one();
    }
    list.clear();
    if (stop) {
      std::lock_guard lock(mutex);
      if (active.empty()) break;
    }
  }
  {
    std::lock_guard lock(jobsMutex);
    writerDone = true;
  }
  jobsWake.notify_one();
}

void WriterCore::converterLoop() {
  pthread_setname_np(pthread_self(), "callpy-convert");
  // Live calls first: a conversion gets only CPU time no media thread wants (thread_priority.h).
  lowerThreadPriority();
  for (;;) {
    std::shared_ptr<Recording> r;
    {
      std::unique_lock lock(jobsMutex);
      jobsWake.wait(lock, [&] { return !jobs.empty() || writerDone; });
      if (jobs.empty()) return;
      r = std::move(jobs.front());
      jobs.pop_front();
    }
    RecordingResult result;
    result.callId = r->callId_;
    result.packets = r->packets();
    result.dropped = r->dropped();
    const auto report = [&r, &result] {
      try {
        if (r->done_) r->done_(result);
      } catch (...) {
        // A failing callback must not take the converter (and every later recording) down.
      }
    };
    // A deferred recording keeps its raw files and sidecar: the next start converts them.
    const auto reportDeferred = [&result, &report] {
      result.deferred = true;
      result.error = "deferred to the next start";
      report();
    };
    if (r->resumable_ && r->error_.empty() && stopRequested.load(std::memory_order_acquire)) {
      // Shutting down: the raw files are complete and synced and the sidecar describes them.
      // Converting now could outlast the service's stop timeout.
      reportDeferred();
      continue;
    }
    if (r->error_.empty()) {
      const std::string base = (std::filesystem::path(r->directory_) / r->callId_).string();
      // Only a resumable recording's conversion may be cancelled: its raw files and sidecar stay
      // for the next start. Any other recording would be lost, so it is converted to the end.
      result.conversion =
          convertRecording(r->paths_, base, video, r->resumable_ ? &stopRequested : nullptr);
      if (result.conversion.cancelled) {
        // Stopping mid-conversion: as if it had still been queued (its partial output is gone).
        reportDeferred();
        continue;
      }
      result.ok = result.conversion.ok;
      result.path = result.conversion.path;
      result.mediaType = result.conversion.mediaType;
      result.error = result.conversion.error;
      result.durationMs = result.conversion.durationMs;
    } else {
      result.error = r->error_;
    }
    report();
    // After the callback has stored the result (or given up on it): a daemon killed before this
    // point converts the recording again at its next start rather than losing it. The sidecar
    // goes last, so raw files are never left without it.
    for (const auto& path : r->paths_) {
      std::error_code ec;
      if (!path.empty()) std::filesystem::remove(path, ec);
    }
    if (r->resumable_) {
      std::error_code ec;
      std::filesystem::remove(RecordingWriter::sidecarPath(r->directory_, r->callId_), ec);
    }
  }
}

}  // namespace detail

Recording::Recording(std::shared_ptr<detail::WriterCore> core, std::string directory,
                     std::string callId, RecordingDone done, std::size_t ringSlots)
    : core_(std::move(core)),
      directory_(std::move(directory)),
      callId_(std::move(callId)),
      done_(std::move(done)),
      ring_(ringSlots) {}

Recording::~Recording() {
  for (std::FILE* f : files_) {
    if (f) std::fclose(f);
  }
}

void Recording::packet(Track track, const std::uint8_t* rtp, std::size_t len,
                       std::uint64_t arrivalUs) noexcept {
  const std::size_t i = trackIndex(track);
  if (finishing_.load(std::memory_order_relaxed) || i >= kTracks ||
      !ring_.push(static_cast<std::uint8_t>(i), rtp, len, arrivalUs,
                  codecsInForce_[i].load(std::memory_order_acquire))) {
    dropped_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  packets_.fetch_add(1, std::memory_order_relaxed);
}

void Recording::setCodecs(Track track, CodecMap codecs) {
  const std::size_t i = trackIndex(track);
  if (i >= kTracks) return;
  std::lock_guard lock(codecsMutex_);
  auto& maps = codecMaps_[i];
  // Generation 0 is "not known" (an empty map): nothing to store for it.
  if (maps.empty() ? codecs.empty() : maps.back().second == codecs) return;
  maps.emplace_back(++lastCodecs_, std::move(codecs));
  // A source that changes again and again before any of its packets is written: the oldest maps
  // go (their packets, if any, are then written as of an unknown negotiation and sniffed).
  if (maps.size() > 16) maps.erase(maps.begin());
  codecsInForce_[i].store(lastCodecs_, std::memory_order_release);
}

CodecMap Recording::codecsOf(std::size_t track, std::uint32_t generation) {
  std::lock_guard lock(codecsMutex_);
  auto& maps = codecMaps_[track];
  CodecMap found;
  for (const auto& [g, map] : maps) {
    if (g == generation) found = map;
  }
  // Packets of a track come in order: an older generation is never needed again.
  std::erase_if(maps, [&](const auto& entry) { return entry.first < generation; });
  return found;
}

void Recording::finish() {
  if (finishing_.exchange(true, std::memory_order_acq_rel)) return;
  core_->notify();
}

RecordingWriter::RecordingWriter() : RecordingWriter(Options{}) {}

RecordingWriter::RecordingWriter(Options options)
    : options_(options), core_(std::make_shared<detail::WriterCore>()) {
  core_->video = options_.video;
  core_->converter = std::thread([core = core_.get()] { core->converterLoop(); });
  core_->writer = std::thread([core = core_.get(), interval = options_.drainInterval] {
    core->writerLoop(interval);
  });
}

void RecordingWriter::beginShutdown() {
  core_->stopRequested.store(true, std::memory_order_release);
}

RecordingWriter::~RecordingWriter() {
  beginShutdown();
  {
    std::lock_guard lock(core_->mutex);
    core_->stopping = true;
  }
  core_->wake.notify_one();
  core_->writer.join();
  core_->converter.join();
}

std::shared_ptr<Recording> RecordingWriter::start(std::string directory, std::string callId,
                                                  RecordingDone done, bool resumable) {
  detail::validateId(callId);
  if (directory.empty()) throw std::invalid_argument("recording: no directory");
  std::shared_ptr<Recording> r(new Recording(core_, std::move(directory), std::move(callId),
                                             std::move(done), options_.ringSlots));
  r->resumable_ = resumable;
  {
    std::lock_guard lock(core_->mutex);
    if (core_->stopping) throw std::logic_error("recording: writer is stopping");
    core_->active.push_back(r);
  }
  core_->wake.notify_one();  // the idle writer thread waits without a timeout
  return r;
}

bool RecordingWriter::convertExisting(std::string directory, std::string callId, RecordingDone done) {
  detail::validateId(callId);
  if (directory.empty()) throw std::invalid_argument("recording: no directory");
  auto paths = rawFiles(directory, callId);
  if (std::all_of(paths.begin(), paths.end(), [](const std::string& p) { return p.empty(); }))
    return false;
  // Only a ring of one slot: no packet ever goes through it.
  std::shared_ptr<Recording> r(
      new Recording(core_, std::move(directory), std::move(callId), std::move(done), 1));
  r->finishing_.store(true);
  r->resumable_ = true;
  r->paths_ = std::move(paths);
  {
    std::lock_guard lock(core_->mutex);
    if (core_->stopping) throw std::logic_error("recording: writer is stopping");
  }
  {
    std::lock_guard lock(core_->jobsMutex);
    core_->jobs.push_back(std::move(r));
  }
  core_->jobsWake.notify_one();
  return true;
}

TrackPaths RecordingWriter::rawFiles(const std::string& directory, const std::string& callId) {
  TrackPaths paths;
  for (std::size_t i = 0; i < kTracks; ++i) {
    const auto path = detail::rawPath(directory, callId, i);
    std::error_code ec;
    if (std::filesystem::is_regular_file(path, ec)) paths[i] = path;
  }
  return paths;
}

std::string RecordingWriter::sidecarPath(const std::string& directory, const std::string& callId) {
  return (std::filesystem::path(directory) / (callId + ".json")).string();
}

std::uint64_t RecordingWriter::writerPasses() const {
  return core_->passes.load(std::memory_order_relaxed);
}

}  // namespace callpy::rtc::record

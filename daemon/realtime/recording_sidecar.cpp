#include "realtime/recording_sidecar.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/common/error.h"

namespace callpy::realtime {

namespace {

constexpr int kVersion = 1;
constexpr std::size_t kMaxSidecarBytes = 4096;

bool safeId(const std::string& s, std::size_t max) {
  return !s.empty() && s.size() <= max && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '_';
  });
}

std::string text(const Poco::JSON::Object& o, const char* key) {
  if (!o.has(key) || !o.get(key).isString())
    throw SidecarError(std::string("recording sidecar: \"") + key + "\" missing or not a string");
  return o.getValue<std::string>(key);
}

std::int64_t number(const Poco::JSON::Object& o, const char* key) {
  if (!o.has(key) || !o.get(key).isInteger())
    throw SidecarError(std::string("recording sidecar: \"") + key + "\" missing or not an integer");
  return o.getValue<std::int64_t>(key);
}

void syncFd(int fd, const std::string& what) {
  if (::fsync(fd) != 0) {
    const int e = errno;
    ::close(fd);
    throw SidecarError("recording sidecar: cannot sync " + what + ": " + std::strerror(e));
  }
  ::close(fd);
}

}  // namespace

std::string encodeSidecar(const RecordingSidecar& s) {
  Poco::JSON::Object o;
  o.set("version", kVersion);
  o.set("id", s.id);
  o.set("callId", s.callId);
  o.set("siteId", s.siteId);
  o.set("dialogId", s.dialogId);
  o.set("visitorId", s.visitorId);
  o.set("userId", s.userId);
  o.set("startedMs", s.startedMs);
  if (s.fileId > 0) o.set("fileId", s.fileId);
  std::ostringstream out;
  o.stringify(out);
  return out.str();
}

RecordingSidecar decodeSidecar(const std::string& text_) {
  if (text_.size() > kMaxSidecarBytes) throw SidecarError("recording sidecar: too large");
  Poco::JSON::Object::Ptr o;
  try {
    Poco::JSON::Parser parser;
    auto v = parser.parse(text_);
    o = v.extract<Poco::JSON::Object::Ptr>();
  } catch (const Poco::Exception& e) {
    throw SidecarError("recording sidecar: not a JSON object (" + e.displayText() + ")");
  } catch (const std::exception&) {
    throw SidecarError("recording sidecar: not a JSON object");
  }
  if (!o) throw SidecarError("recording sidecar: not a JSON object");
  if (number(*o, "version") != kVersion)
    throw SidecarError("recording sidecar: unknown version");
  RecordingSidecar s;
  s.id = text(*o, "id");
  s.callId = text(*o, "callId");
  s.siteId = text(*o, "siteId");
  s.dialogId = number(*o, "dialogId");
  s.visitorId = number(*o, "visitorId");
  s.userId = number(*o, "userId");
  s.startedMs = number(*o, "startedMs");
  if (o->has("fileId")) {
    s.fileId = number(*o, "fileId");
    if (s.fileId <= 0) throw SidecarError("recording sidecar: bad \"fileId\"");
  }
  // The id names files in the recordings directory: nothing that could leave it.
  if (!safeId(s.id, 64)) throw SidecarError("recording sidecar: bad \"id\"");
  if (!safeId(s.callId, 64) || s.id.rfind(s.callId + "-", 0) != 0)
    throw SidecarError("recording sidecar: bad \"callId\"");
  if (s.siteId.empty()) throw SidecarError("recording sidecar: empty \"siteId\"");
  if (s.dialogId <= 0 || s.userId <= 0 || s.visitorId < 0 || s.startedMs < 0)
    throw SidecarError("recording sidecar: bad dialog, user, visitor or start time");
  return s;
}

void writeSidecar(const std::string& path, const RecordingSidecar& s) {
  const std::string body = encodeSidecar(s);
  const std::string part = path + ".part";
  const int fd = ::open(part.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) throw SidecarError("recording sidecar: cannot create " + part + ": " + std::strerror(errno));
  std::size_t done = 0;
  while (done < body.size()) {
    const auto n = ::write(fd, body.data() + done, body.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      std::error_code ec;
      std::filesystem::remove(part, ec);
      throw SidecarError("recording sidecar: cannot write " + part);
    }
    done += static_cast<std::size_t>(n);
  }
  syncFd(fd, part);
  std::error_code ec;
  std::filesystem::rename(part, path, ec);
  if (ec) {
    std::filesystem::remove(part, ec);
    throw SidecarError("recording sidecar: cannot rename " + part + ": " + ec.message());
  }
  // The rename itself must survive a crash too.
  const auto dir = std::filesystem::path(path).parent_path().string();
  const int dfd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) syncFd(dfd, dir);
}

RecordingSidecar readSidecar(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw SidecarError("recording sidecar: cannot read " + path);
  std::string body(kMaxSidecarBytes + 1, '\0');
  in.read(body.data(), static_cast<std::streamsize>(body.size()));
  body.resize(static_cast<std::size_t>(in.gcount()));
  return decodeSidecar(body);
}

bool recoveryMayDiscard(const std::exception& e) {
  const auto* error = dynamic_cast<const core::Error*>(&e);
  return error != nullptr &&
         (error->code() == core::ErrorCode::NotFound || error->code() == core::ErrorCode::Forbidden);
}

}  // namespace callpy::realtime

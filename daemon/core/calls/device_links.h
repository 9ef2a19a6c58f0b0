#pragma once
// One-time links that move an operator's side of a call to another device (F18, F20, F23): the
// panel shows the link as a QR code, a phone opens it and the call continues there. A link is
// random (the caller makes the token), stored only as its hash, valid for a short time and used
// at most once.
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace callpy::core::calls {

inline constexpr std::int64_t kDeviceLinkTtlMs = 120'000;

struct DeviceLink {
  std::string callId;
  std::int64_t userId = 0;  // the operator whose side moves
  std::string name;         // their display name
  std::int64_t expiresMs = 0;
};

class DeviceLinks {
 public:
  using Hash = std::function<std::string(const std::string&)>;
  explicit DeviceLinks(Hash hash) : hash_(std::move(hash)) {}

  // Remembers `link` under the hash of `token` (expired links are dropped on the way).
  void add(const std::string& token, DeviceLink link, std::int64_t nowMs);
  // The link for `token` when it exists and has not expired; it is gone afterwards either way.
  std::optional<DeviceLink> take(const std::string& token, std::int64_t nowMs);
  std::size_t size() const;

 private:
  Hash hash_;
  mutable std::mutex mutex_;
  std::map<std::string, DeviceLink> byHash_;
};

}  // namespace callpy::core::calls

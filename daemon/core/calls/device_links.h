#pragma once
// One-time links that move a participant's side of a call to another device (F18, F20, F23): the
// panel (an operator) or the widget (the visitor) shows the link as a QR code, a phone opens it
// and the call continues there. A link is random (the caller makes the token), stored only as
// its hash, valid for a short time and used at most once.
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "core/calls/types.h"

namespace callpy::core::calls {

inline constexpr std::int64_t kDeviceLinkTtlMs = 120'000;
// Live links per call: a client asking again and again cannot grow the map without bound; the
// oldest link of the call goes first (the QR code on screen is always the newest).
inline constexpr std::size_t kMaxDeviceLinksPerCall = 4;

struct DeviceLink {
  std::string callId;
  std::int64_t userId = 0;  // the operator whose side moves, or the visitor's id
  std::string name;         // the operator's display name ("" for the visitor)
  std::int64_t expiresMs = 0;
  PartyKind kind = PartyKind::Operator;  // whose side the phone takes
  std::string siteId;                    // the call's site (the visitor's phone page language)

  Party party() const { return {kind, userId}; }
};

class DeviceLinks {
 public:
  using Hash = std::function<std::string(const std::string&)>;
  explicit DeviceLinks(Hash hash) : hash_(std::move(hash)) {}

  // Remembers `link` under the hash of `token` (expired links are dropped on the way, and the
  // call's oldest when it already has kMaxDeviceLinksPerCall).
  void add(const std::string& token, DeviceLink link, std::int64_t nowMs);
  // The link for `token` when it exists and has not expired; it is gone afterwards either way.
  std::optional<DeviceLink> take(const std::string& token, std::int64_t nowMs);
  std::size_t size() const;

 private:
  Hash hash_;
  mutable std::mutex mutex_;
  struct Entry {
    DeviceLink link;
    std::uint64_t order = 0;  // insertion counter: which of a call's links is the oldest
  };
  std::map<std::string, Entry> byHash_;
  std::uint64_t added_ = 0;
};

}  // namespace callpy::core::calls

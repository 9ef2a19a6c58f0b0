#include "core/calls/device_links.h"

namespace callpy::core::calls {

void DeviceLinks::add(const std::string& token, DeviceLink link, std::int64_t nowMs) {
  std::lock_guard lock(mutex_);
  std::size_t ofCall = 0;
  auto oldest = byHash_.end();
  for (auto it = byHash_.begin(); it != byHash_.end();) {
    if (it->second.link.expiresMs <= nowMs) {
      it = byHash_.erase(it);
      continue;
    }
    if (it->second.link.callId == link.callId) {
      ++ofCall;
      if (oldest == byHash_.end() || it->second.order < oldest->second.order) oldest = it;
    }
    ++it;
  }
  if (ofCall >= kMaxDeviceLinksPerCall) byHash_.erase(oldest);
  byHash_[hash_(token)] = {std::move(link), ++added_};
}

std::optional<DeviceLink> DeviceLinks::take(const std::string& token, std::int64_t nowMs) {
  std::lock_guard lock(mutex_);
  auto it = byHash_.find(hash_(token));
  if (it == byHash_.end()) return std::nullopt;
  auto link = std::move(it->second.link);
  byHash_.erase(it);
  if (link.expiresMs <= nowMs) return std::nullopt;
  return link;
}

std::size_t DeviceLinks::size() const {
  std::lock_guard lock(mutex_);
  return byHash_.size();
}

}  // namespace callpy::core::calls

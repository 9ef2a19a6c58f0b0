#include "core/calls/device_links.h"

namespace callpy::core::calls {

void DeviceLinks::add(const std::string& token, DeviceLink link, std::int64_t nowMs) {
  std::lock_guard lock(mutex_);
  for (auto it = byHash_.begin(); it != byHash_.end();) {
    it = it->second.expiresMs <= nowMs ? byHash_.erase(it) : std::next(it);
  }
  byHash_[hash_(token)] = std::move(link);
}

std::optional<DeviceLink> DeviceLinks::take(const std::string& token, std::int64_t nowMs) {
  std::lock_guard lock(mutex_);
  auto it = byHash_.find(hash_(token));
  if (it == byHash_.end()) return std::nullopt;
  auto link = std::move(it->second);
  byHash_.erase(it);
  if (link.expiresMs <= nowMs) return std::nullopt;
  return link;
}

std::size_t DeviceLinks::size() const {
  std::lock_guard lock(mutex_);
  return byHash_.size();
}

}  // namespace callpy::core::calls

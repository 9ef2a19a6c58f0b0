#include "realtime/address_limiter.h"

namespace callpy::realtime {

AddressLease& AddressLease::operator=(AddressLease&& other) noexcept {
  if (this != &other) {
    reset();
    limiter_ = other.limiter_;
    key_ = other.key_;
    other.limiter_ = nullptr;
    other.key_ = nullptr;
  }
  return *this;
}

void AddressLease::reset() {
  if (key_ != nullptr) limiter_->release(key_);
  limiter_ = nullptr;
  key_ = nullptr;
}

AddressLease AddressLimiter::acquire(const std::string& address) {
  std::lock_guard lock(mutex_);
  auto [it, inserted] = counts_.try_emplace(address, 0);
  if (perAddress_ > 0 && it->second >= perAddress_) return {};
  ++it->second;
  return AddressLease(this, &it->first);
}

void AddressLimiter::release(const std::string* key) {
  std::lock_guard lock(mutex_);
  auto it = counts_.find(*key);
  if (it != counts_.end() && --it->second <= 0) counts_.erase(it);
}

int AddressLimiter::active(const std::string& address) const {
  std::lock_guard lock(mutex_);
  auto it = counts_.find(address);
  return it == counts_.end() ? 0 : it->second;
}

}  // namespace callpy::realtime

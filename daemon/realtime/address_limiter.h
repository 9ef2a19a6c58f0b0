#pragma once
// Open WebSocket connections per client address, across all loops. Touched only when a connection
// opens or closes, never per message, so a mutex is fine.
#include <mutex>
#include <string>
#include <unordered_map>

namespace callpy::realtime {

class AddressLimiter;

// One counted connection from an address; releases the count when destroyed.
class AddressLease {
 public:
  AddressLease() = default;
  AddressLease(AddressLease&& other) noexcept { *this = std::move(other); }
  AddressLease& operator=(AddressLease&& other) noexcept;
  AddressLease(const AddressLease&) = delete;
  AddressLease& operator=(const AddressLease&) = delete;
  ~AddressLease() { reset(); }

  explicit operator bool() const { return key_ != nullptr; }
  // The counted address; stable while the lease exists.
  const std::string* address() const { return key_; }
  void reset();

 private:
  friend class AddressLimiter;
  AddressLease(AddressLimiter* limiter, const std::string* key) : limiter_(limiter), key_(key) {}
  AddressLimiter* limiter_ = nullptr;
  const std::string* key_ = nullptr;
};

class AddressLimiter {
 public:
  explicit AddressLimiter(int perAddress) : perAddress_(perAddress) {}
  // An empty lease when the address already has perAddress connections (0: no limit).
  AddressLease acquire(const std::string& address);
  int active(const std::string& address) const;

 private:
  friend class AddressLease;
  void release(const std::string* key);

  int perAddress_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, int> counts_;  // nodes are stable: leases point at keys
};

}  // namespace callpy::realtime

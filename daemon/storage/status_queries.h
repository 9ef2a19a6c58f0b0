#pragma once
// Counts shown by `callpyctl status` and /metrics.
#include <cstdint>

#include "storage/connection.h"

namespace callpy::storage {

struct ObjectCounts {
  std::int64_t sites = 0;
  std::int64_t users = 0;
  std::int64_t sessions = 0;
};

ObjectCounts countObjects(Connection& c);

}  // namespace callpy::storage

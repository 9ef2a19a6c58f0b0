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

// Chat figures for `callpyctl status` and /metrics.
struct ChatCounts {
  std::int64_t activeDialogs = 0;   // dialogs with status 'open'
  std::int64_t messagesStored = 0;  // highest message id: every message ever stored (ids are
                                    // AUTOINCREMENT, never reused), cheap at any table size
};

ChatCounts countChat(Connection& c);

}  // namespace callpy::storage

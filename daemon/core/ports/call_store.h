#pragma once
// What calls (F18–F20) keep on disk: one row per call for the dialog's History.
#include <cstdint>
#include <vector>

#include "core/calls/types.h"

namespace callpy::core::ports {

class CallStore {
 public:
  virtual ~CallStore() = default;
  // Stores a new call; returns its row number.
  virtual std::int64_t insertCall(const calls::Call& c) = 0;
  // Answer, end and reason of a call stored before.
  virtual void updateCall(const calls::Call& c) = 0;
  // Removes a row whose call never started (another start won the race).
  virtual void deleteCall(std::int64_t number) = 0;
  // Calls the daemon did not see end (it stopped): ended now as `interrupted`. Returns them.
  virtual std::vector<calls::Call> endUnfinished(std::int64_t nowMs) = 0;
  // The dialog's calls, oldest first (History).
  virtual std::vector<calls::Call> callsOfDialog(std::int64_t dialogId) = 0;
};

}  // namespace callpy::core::ports

#pragma once
// What the first-response re-offer timer (issue 4 §4) needs from storage: open widget dialogs
// no operator has answered yet, and marking the re-offer. Short units, no unit-of-work shape:
// each call is one statement.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace callpy::core::ports {

struct UnansweredDialog {
  std::int64_t dialogId = 0;
  std::string siteId;
  std::int64_t createdAt = 0;
  std::optional<std::int64_t> assignee;
  std::optional<std::int64_t> reofferedAt;
  int firstResponseSeconds = 0;  // the site's setting, read with the dialog
};

class FirstResponseStore {
 public:
  virtual ~FirstResponseStore() = default;
  // Open widget dialogs without first_response_at (start-up scan after a restart).
  virtual std::vector<UnansweredDialog> unanswered() = 0;
  // The dialog when it is still open and unanswered, else nullopt.
  virtual std::optional<UnansweredDialog> unansweredDialog(std::int64_t dialogId) = 0;
  // Sets reoffered_at once; false when it was already set or the dialog was answered/closed
  // meanwhile (so two timers never offer one dialog twice).
  virtual bool markReoffered(std::int64_t dialogId, std::int64_t now) = 0;
};

}  // namespace callpy::core::ports

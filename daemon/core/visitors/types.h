#pragma once
// Visitor information for operators (F4): pages visited and what the panel shows about a visitor.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/dialogs/types.h"
#include "core/ports/geo_locator.h"
#include "core/visitors/user_agent.h"

namespace callpy::core::visitors {

inline constexpr int kPagesKept = 100;         // page views kept per visitor (older ones go)
inline constexpr std::size_t kMaxUrl = 2048;   // longer URLs are cut
inline constexpr std::size_t kMaxTitle = 512;

struct PageView {
  std::string url;
  std::string title;
  std::string referrer;
  std::int64_t visitedAt = 0;  // Unix seconds
  bool operator==(const PageView&) const = default;
};

// Everything the visitor-info panel shows (GET /api/panel/visitors/{id}).
struct VisitorDetails {
  dialogs::Visitor visitor;
  std::optional<ports::GeoLocation> location;
  UserAgentInfo agent;
  std::vector<PageView> pages;  // oldest first
  std::string referrer;         // of the first stored page view ("" when none)
  std::optional<std::int64_t> dialogId;  // the open dialog, if any
};

}  // namespace callpy::core::visitors

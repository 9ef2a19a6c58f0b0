#pragma once
// Quick replies (F15): canned answers an operator picks in the composer, edits and sends.
#include <cstdint>
#include <optional>
#include <string>

namespace callpy::core::quick_replies {

struct QuickReply {
  std::int64_t id = 0;
  std::string siteId;
  std::optional<std::int64_t> ownerId;  // nullopt: shared with every operator of the site
  std::string title;
  std::string body;
  std::int64_t createdAt = 0;
};

}  // namespace callpy::core::quick_replies

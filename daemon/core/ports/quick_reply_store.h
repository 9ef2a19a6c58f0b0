#pragma once
// What the quick-replies service needs from storage; same unit-of-work shape as SiteStore.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/quick_replies/types.h"

namespace callpy::core::ports {

class QuickReplyTx {
 public:
  virtual ~QuickReplyTx() = default;
  // Replies of `siteIds` visible to `userId`: the sites' shared ones and the user's own, shared
  // first, then by title.
  virtual std::vector<quick_replies::QuickReply> visible(const std::vector<std::string>& siteIds,
                                                         std::int64_t userId) = 0;
  virtual std::optional<quick_replies::QuickReply> get(std::int64_t id) = 0;
  // Inserts r (its id is ignored) and returns the new id.
  virtual std::int64_t insert(const quick_replies::QuickReply& r) = 0;
  virtual void update(std::int64_t id, const std::string& title, const std::string& body) = 0;
  virtual void remove(std::int64_t id) = 0;
  // Replies of one owner on a site (nullopt owner: the site's shared ones).
  virtual int count(const std::string& siteId, std::optional<std::int64_t> ownerId) = 0;
};

class QuickReplyStore {
 public:
  virtual ~QuickReplyStore() = default;
  virtual void read(const std::function<void(QuickReplyTx&)>& work) = 0;
  virtual void write(const std::function<void(QuickReplyTx&)>& work) = 0;
};

}  // namespace callpy::core::ports

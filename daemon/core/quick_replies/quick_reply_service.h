#pragma once
// Quick replies (F15). Every operator of a site reads the site's shared replies and keeps its own;
// any operator may save its own (also by starring a sent message); shared replies are managed by
// the site's admins and owners. A reply the caller may not see is reported as not_found.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/accounts/types.h"
#include "core/ports/quick_reply_store.h"
#include "core/quick_replies/types.h"

namespace callpy::core::quick_replies {

inline constexpr std::size_t kMaxTitleCodePoints = 100;
inline constexpr int kMaxPerOwner = 500;  // per site: own replies of one operator, or shared ones

struct NewQuickReply {
  std::string siteId;
  std::string title;  // may be empty: the start of the body is used
  std::string body;
  bool shared = false;
};

class QuickReplyService {
 public:
  using Clock = std::function<std::int64_t()>;  // Unix seconds
  QuickReplyService(ports::QuickReplyStore& store, Clock clock);

  // `siteId` "" = every site where the caller holds an enabled membership.
  std::vector<QuickReply> list(const accounts::Principal& p, const std::string& siteId);
  QuickReply create(const accounts::Principal& p, const NewQuickReply& r);
  QuickReply update(const accounts::Principal& p, std::int64_t id,
                    const std::optional<std::string>& title,
                    const std::optional<std::string>& body);
  void remove(const accounts::Principal& p, std::int64_t id);

 private:
  // The reply when the caller may change it (owner, or admin+ of the site for shared ones).
  QuickReply editable(ports::QuickReplyTx& tx, const accounts::Principal& p, std::int64_t id);

  ports::QuickReplyStore& store_;
  Clock clock_;
};

// The title to store: the trimmed label, or the first line of the body cut to 40 code points.
std::string titleFor(const std::string& title, const std::string& body);

}  // namespace callpy::core::quick_replies

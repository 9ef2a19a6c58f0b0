#pragma once
// JSON frames of the realtime protocol (daemon/realtime/protocol.md), built in one place.
#include <Poco/JSON/Object.h>

#include <cstdint>
#include <optional>
#include <string>

#include "core/dialogs/types.h"

namespace callpy::realtime::frames {

using Json = Poco::JSON::Object::Ptr;

Json object(const char* type);
std::string text(const Json& frame);

// Millisecond timestamps on the wire; storage keeps seconds.
inline std::int64_t millis(std::int64_t seconds) { return seconds * 1000; }

// F6: `avatarFileId` is the operator author's current avatar, sent as author.avatar (its URL
// path); omitted when none.
Json message(const core::dialogs::Message& m, const std::string& authorName,
             std::optional<std::int64_t> avatarFileId = std::nullopt);
// {"id","name","size","mime"} of an upload (F16), in msg frames and REST message lists.
Json file(const core::dialogs::FileRef& f);
Json ack(const core::dialogs::Message& m);
Json error(const std::string& code, const std::string& message, const std::string& cid = {});
Json dialog(const core::dialogs::Dialog& d);

}  // namespace callpy::realtime::frames

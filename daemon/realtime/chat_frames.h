#pragma once
// JSON frames of the realtime protocol (daemon/realtime/protocol.md), built in one place.
#include <Poco/JSON/Object.h>

#include <cstdint>
#include <string>

#include "core/dialogs/types.h"

namespace callpy::realtime::frames {

using Json = Poco::JSON::Object::Ptr;

Json object(const char* type);
std::string text(const Json& frame);

// Millisecond timestamps on the wire; storage keeps seconds.
inline std::int64_t millis(std::int64_t seconds) { return seconds * 1000; }

Json message(const core::dialogs::Message& m, const std::string& authorName);
Json ack(const core::dialogs::Message& m);
Json error(const std::string& code, const std::string& message, const std::string& cid = {});
Json dialog(const core::dialogs::Dialog& d);

}  // namespace callpy::realtime::frames

#include "realtime/session_support.h"

#include <Poco/JSON/Parser.h>

#include "core/common/error.h"
#include "observability/log.h"

namespace callpy::realtime {

std::optional<frames::Json> parseClientFrame(const std::string& text, std::string& error) {
  Poco::JSON::Parser parser;
  parser.setDepth(16);
  try {
    auto v = parser.parse(text);
    if (v.type() != typeid(Poco::JSON::Object::Ptr)) {
      error = "a frame must be a JSON object";
      return std::nullopt;
    }
    auto o = v.extract<Poco::JSON::Object::Ptr>();
    if (!o->has("t") || !o->get("t").isString()) {
      error = "a frame needs a string \"t\"";
      return std::nullopt;
    }
    return o;
  } catch (const Poco::Exception& e) {
    error = "not valid JSON: " + e.message();
  } catch (const std::exception& e) {
    error = std::string("not valid JSON: ") + e.what();
  }
  return std::nullopt;
}

std::string stringField(const frames::Json& f, const char* key) {
  if (!f->has(key) || !f->get(key).isString()) return {};
  return f->getValue<std::string>(key);
}

std::optional<std::int64_t> intField(const frames::Json& f, const char* key) {
  if (!f->has(key) || !f->get(key).isInteger()) return std::nullopt;
  return f->get(key).convert<std::int64_t>();
}

frames::Json errorFrame(std::exception_ptr e, const std::string& cid) {
  try {
    std::rethrow_exception(e);
  } catch (const core::Error& err) {
    auto frame = frames::error(core::errorCodeName(err.code()), err.what(), cid);
    if (!err.field().empty()) frame->set("field", err.field());
    return frame;
  } catch (const std::exception& err) {
    observability::logError("realtime.internal_error", {{"error", err.what()}});
  }
  return frames::error("internal", "internal error", cid);
}

bool Throttle::allow() {
  auto now = std::chrono::steady_clock::now();
  while (!recent_.empty() && now - recent_.front() >= std::chrono::seconds(1)) recent_.pop_front();
  if (static_cast<int>(recent_.size()) >= perSecond_) return false;
  recent_.push_back(now);
  return true;
}

bool isValidCid(const std::string& cid) {
  if (cid.empty() || cid.size() > 64) return false;
  for (unsigned char c : cid) {
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

}  // namespace callpy::realtime

#include "commands/common.h"

#include <algorithm>
#include <cctype>

namespace callpy::cli {

CLI::App* addCommand(CLI::App& parent, const std::string& name, const std::string& description) {
  CLI::App* sub = parent.add_subcommand(name, description);
  sub->fallthrough();
  return sub;
}

void onRun(CLI::App* verb, Context& ctx, std::function<int()> action) {
  verb->callback([&ctx, action = std::move(action)] { ctx.setAction(action); });
}

std::string sitePath(const std::string& site) { return "/sites/" + encodeSegment(site); }

std::string text(const Poco::JSON::Object::Ptr& obj, const std::string& key) {
  if (!obj || !obj->has(key)) return "-";
  return cellText(obj->get(key));
}

Poco::JSON::Object::Ptr child(const Poco::JSON::Object::Ptr& obj, const std::string& key) {
  Poco::JSON::Object::Ptr found = obj ? obj->getObject(key) : nullptr;
  return found ? found : Poco::JSON::Object::Ptr(new Poco::JSON::Object);
}

Poco::JSON::Array::Ptr list(const Poco::JSON::Object::Ptr& obj, const std::string& key) {
  Poco::JSON::Array::Ptr found = obj ? obj->getArray(key) : nullptr;
  return found ? found : Poco::JSON::Array::Ptr(new Poco::JSON::Array);
}

bool flag(const Poco::JSON::Object::Ptr& obj, const std::string& key) {
  if (!obj || !obj->has(key)) return false;
  Poco::Dynamic::Var value = obj->get(key);
  try {
    return !value.isEmpty() && value.convert<bool>();
  } catch (const Poco::Exception&) {
    return false;
  }
}

Poco::Dynamic::Var userValue(const std::string& user) {
  bool numeric =
      !user.empty() && user.size() < 19 &&
      std::all_of(user.begin(), user.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
  if (numeric) return static_cast<Poco::Int64>(std::stoll(user));
  return user;
}

}  // namespace callpy::cli

#include "http/handlers/render.h"

#include "core/common/error.h"
#include "http/exchange.h"

namespace callpy::http {

using core::invalid;

JsonObject object() { return new Poco::JSON::Object; }

JsonObject wrap(const std::string& key, const Poco::Dynamic::Var& value) {
  auto o = object();
  o->set(key, value);
  return o;
}

JsonObject renderUser(const core::accounts::User& u) {
  auto o = object();
  o->set("id", u.id);
  o->set("email", u.email);
  o->set("name", u.name);
  o->set("language", u.language);
  return o;
}

JsonObject renderOperator(const core::accounts::OperatorEntry& e) {
  auto o = object();
  o->set("user_id", e.userId);
  o->set("email", e.email);
  o->set("name", e.name);
  o->set("role", core::accounts::roleName(e.role));
  o->set("disabled", e.disabled);
  o->set("pending", e.pending);
  o->set("managed_by_config", e.managedByConfig);
  return o;
}

JsonObject renderSite(const core::sites::SiteView& v) {
  auto o = object();
  o->set("id", v.site.id);
  o->set("name", v.site.name);
  o->set("language", v.site.language);
  o->set("timezone", v.site.timezone);
  Poco::JSON::Array::Ptr origins = new Poco::JSON::Array;
  for (const auto& origin : v.site.origins) origins->add(origin);
  o->set("origins", origins);
  o->set("widget_key", v.site.widgetKey);
  if (v.role) o->set("role", core::accounts::roleName(*v.role));
  else o->set("role", Poco::Dynamic::Var());
  o->set("managed_by_config", v.site.managedByConfig);
  Poco::JSON::Array::Ptr emails = new Poco::JSON::Array;
  for (const auto& e : v.site.offlineEmails) emails->add(e);
  o->set("offline_emails", emails);
  auto chat = object();
  chat->set("typing_preview", v.site.chat.typingPreview);
  chat->set("first_response_seconds", v.site.chat.firstResponseSeconds);
  chat->set("dialog_limit", v.site.chat.dialogLimit);
  chat->set("prechat_departments", v.site.chat.prechatDepartments);
  if (v.site.chat.defaultDepartmentId) chat->set("default_department_id", *v.site.chat.defaultDepartmentId);
  else chat->set("default_department_id", Poco::Dynamic::Var());
  o->set("chat", chat);
  auto calls = object();  // F21
  calls->set("enabled", v.site.calls.enabled);
  calls->set("ring_mode", std::string(core::sites::ringModeName(v.site.calls.ringMode)));
  calls->set("ring_timeout_seconds", v.site.calls.ringTimeoutSeconds);
  calls->set("after_hours", std::string(core::sites::afterHoursName(v.site.calls.afterHours)));
  o->set("calls", calls);
  return o;
}

JsonObject renderDepartment(const core::sites::Department& d) {
  auto o = object();
  o->set("id", d.id);
  o->set("slug", d.slug);
  o->set("name", d.name);
  Poco::JSON::Array::Ptr ops = new Poco::JSON::Array;
  for (auto id : d.operators) ops->add(id);
  o->set("operators", ops);
  o->set("managed_by_config", d.managedByConfig);
  return o;
}

JsonObject renderHours(const core::sites::HoursView& v) {
  auto o = object();
  o->set("timezone", v.hours.timezone);
  if (v.hours.configured) {
    auto weekly = object();
    for (int d = 0; d < 7; ++d) {
      Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
      for (const auto& i : v.hours.weekly[static_cast<std::size_t>(d)]) {
        list->add(core::sites::formatInterval(i));
      }
      weekly->set(core::sites::weekdayName(d), list);
    }
    o->set("weekly", weekly);
  } else {
    o->set("weekly", Poco::Dynamic::Var());
  }
  Poco::JSON::Array::Ptr exceptions = new Poco::JSON::Array;
  for (const auto& e : v.hours.exceptions) {
    auto x = object();
    x->set("date", e.date);
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    for (const auto& i : e.intervals) list->add(core::sites::formatInterval(i));
    x->set("intervals", list);
    exceptions->add(x);
  }
  o->set("exceptions", exceptions);
  o->set("open_now", v.openNow);
  return o;
}

static std::vector<core::sites::Interval> parseIntervals(const Poco::Dynamic::Var& v,
                                                         const std::string& field) {
  if (v.type() != typeid(Poco::JSON::Array::Ptr)) {
    throw invalid(field + " must be a list of \"HH:MM-HH:MM\"", field);
  }
  std::vector<core::sites::Interval> out;
  for (const auto& item : *v.extract<Poco::JSON::Array::Ptr>()) {
    std::string error;
    if (!item.isString()) throw invalid(field + " must be a list of \"HH:MM-HH:MM\"", field);
    auto i = core::sites::parseInterval(item.extract<std::string>(), &error);
    if (!i) throw invalid(field + ": " + error, field);
    out.push_back(*i);
  }
  return out;
}

core::sites::WorkingHours parseHours(const JsonObject& o) {
  core::sites::WorkingHours h;
  h.timezone = optionalString(o, "timezone").value_or("UTC");
  if (o->has("weekly") && !o->isNull("weekly")) {
    auto weekly = o->getObject("weekly");
    if (!weekly) throw invalid("weekly must be an object of days", "weekly");
    h.configured = true;
    for (const auto& [day, list] : *weekly) {
      int d = core::sites::weekdayFromName(day);
      if (d < 0) throw invalid("unknown day \"" + day + "\" (use mon … sun)", "weekly");
      h.weekly[static_cast<std::size_t>(d)] = parseIntervals(list, "weekly." + day);
    }
  }
  if (o->has("exceptions") && !o->isNull("exceptions")) {
    auto list = o->getArray("exceptions");
    if (!list) throw invalid("exceptions must be a list", "exceptions");
    for (std::size_t i = 0; i < list->size(); ++i) {
      auto e = list->getObject(static_cast<unsigned>(i));
      if (!e) throw invalid("each exception must be an object", "exceptions");
      core::sites::DateException ex;
      ex.date = requireString(e, "date");
      if (!core::sites::isValidDate(ex.date)) {
        throw invalid("exception dates are YYYY-MM-DD", "exceptions");
      }
      if (e->has("intervals")) ex.intervals = parseIntervals(e->get("intervals"), "exceptions");
      h.exceptions.push_back(std::move(ex));
    }
    if (!h.exceptions.empty()) h.configured = true;
  }
  return h;
}

}  // namespace callpy::http

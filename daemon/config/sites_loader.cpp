// Declarative sites: sites[].{id,name,origins,language,departments,hours,offline_emails,chat,calls}.
#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "config/loader_internal.h"
#include "config/validators.h"
#include "config/zoneinfo.h"

namespace callpy::config {

namespace {

constexpr std::size_t kMaxNameLength = 200;

using core::sites::DateException;
using core::sites::Interval;
using core::sites::WorkingHours;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::optional<std::string> readName(YamlReader& r, const Fields& fields, const Field& parent) {
  const Field* f = r.require(fields, "name", parent.mark, parent.path);
  if (!f) return std::nullopt;
  auto name = r.string(*f);
  if (name && name->size() > kMaxNameLength) {
    r.error(*f, "must be at most " + std::to_string(kMaxNameLength) + " bytes");
    return std::nullopt;
  }
  return name;
}

// Reads a slug id and checks it is unique among `seen` (id → line of first use).
std::optional<std::string> readId(YamlReader& r, const Fields& fields, const Field& parent,
                                  const char* what, std::map<std::string, int>& seen) {
  const Field* f = r.require(fields, "id", parent.mark, parent.path);
  if (!f) return std::nullopt;
  auto id = r.string(*f);
  if (!id) return std::nullopt;
  if (!isValidSlug(*id)) {
    r.error(*f, std::string(what) + " id must be 1-32 characters from a-z, 0-9 and '-'");
    return std::nullopt;
  }
  auto [it, inserted] = seen.try_emplace(*id, f->mark.line + 1);
  if (!inserted) {
    r.error(*f, std::string("duplicate ") + what + " id '" + *id + "' (first at line " +
                    std::to_string(it->second) + ")");
    return std::nullopt;
  }
  return id;
}

// One day's intervals: a list of "HH:MM-HH:MM" strings, or one such string. `nodes` receives the
// field of each parsed interval, parallel to the returned vector.
std::vector<Interval> readIntervals(YamlReader& r, const Field& f, std::vector<Field>& nodes) {
  std::vector<Field> items;
  if (f.value.IsScalar()) {
    items.push_back(f);
  } else if (auto seq = r.sequence(f)) {
    items = std::move(*seq);
  }
  std::vector<Interval> out;
  for (const Field& item : items) {
    auto text = r.string(item);
    if (!text) continue;
    std::string error;
    if (auto iv = core::sites::parseInterval(*text, &error)) {
      out.push_back(*iv);
      nodes.push_back(item);
    } else {
      r.error(item, error);
    }
  }
  return out;
}

std::optional<WorkingHours> readHours(LoadContext& ctx, const Field& f) {
  YamlReader& r = ctx.reader;
  auto fields = r.map(f, {"timezone", "weekly", "exceptions"});
  if (!fields) return std::nullopt;
  WorkingHours hours;
  hours.configured = true;
  if (const Field* tz = r.require(*fields, "timezone", f.mark, f.path)) {
    if (auto name = r.string(*tz)) {
      std::string error;
      if (loadZoneInfo(*name, &error, ctx.zoneInfoRoot)) {
        hours.timezone = *name;
      } else {
        r.error(*tz, error);
      }
    }
  }

  std::array<std::vector<Field>, 7> weeklyNodes;
  if (const Field* weekly = YamlReader::get(*fields, "weekly")) {
    if (auto days = r.map(*weekly, {"mon", "tue", "wed", "thu", "fri", "sat", "sun"})) {
      for (auto& [key, day] : *days) {
        if (day.value.IsNull()) continue;  // written but empty: closed, like leaving it out
        int wd = core::sites::weekdayFromName(key);
        hours.weekly[wd] = readIntervals(r, day, weeklyNodes[wd]);
      }
    }
  }

  std::vector<Field> dateNodes;
  std::vector<std::vector<Field>> exceptionNodes;
  if (const Field* exceptions = YamlReader::get(*fields, "exceptions")) {
    for (const Field& item : r.sequence(*exceptions).value_or(std::vector<Field>{})) {
      auto ex = r.map(item, {"date", "closed", "intervals"});
      if (!ex) continue;
      const Field* date = r.require(*ex, "date", item.mark, item.path);
      auto dateText = date ? r.string(*date) : std::nullopt;
      if (!dateText) continue;
      DateException exception{*dateText, {}};
      std::vector<Field> nodes;
      const Field* closed = YamlReader::get(*ex, "closed");
      const Field* intervals = YamlReader::get(*ex, "intervals");
      // Plain bools rather than optional<bool>: GCC 12 -O2 warns (falsely) on the optional.
      auto closedValue = closed ? r.boolean(*closed) : std::nullopt;
      const bool closedValid = closedValue.has_value();
      const bool isClosed = closedValid && *closedValue;
      if (intervals) exception.intervals = readIntervals(r, *intervals, nodes);
      if (isClosed && !exception.intervals.empty()) {
        r.error(*closed, "closed: true cannot be combined with intervals");
      } else if (!intervals && !isClosed && (!closed || closedValid)) {
        r.error(closed ? *closed : *date,
                "an exception is either 'closed: true' or has 'intervals'");
      }
      hours.exceptions.push_back(std::move(exception));
      dateNodes.push_back(*date);
      exceptionNodes.push_back(std::move(nodes));
    }
  }

  for (const auto& p : core::sites::validateWorkingHours(hours)) {
    if (p.weekday >= 0) {
      r.error(weeklyNodes[p.weekday][p.interval], p.message);
    } else if (p.atDate) {
      r.error(dateNodes[p.exception], p.message);
    } else {
      r.error(exceptionNodes[p.exception][p.interval], p.message);
    }
  }
  return hours;
}

// A list of e-mail addresses: each valid, none twice (compared case-insensitively).
std::vector<std::string> readEmails(YamlReader& r, const Field& list, const std::string& what) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const Field& item : r.sequence(list).value_or(std::vector<Field>{})) {
    auto email = r.string(item);
    if (!email) continue;
    if (!isValidEmail(*email)) {
      r.error(item, "'" + *email + "' is not a valid e-mail address");
    } else if (!seen.insert(lower(*email)).second) {
      r.error(item, what + " '" + *email + "' is listed twice");
    } else {
      out.push_back(*email);
    }
  }
  return out;
}

void readDepartments(YamlReader& r, const Field& f, std::vector<DepartmentDecl>& out) {
  std::map<std::string, int> seenIds;
  for (const Field& item : r.sequence(f).value_or(std::vector<Field>{})) {
    auto fields = r.map(item, {"id", "name", "operators"});
    if (!fields) continue;
    DepartmentDecl d;
    d.id = readId(r, *fields, item, "department", seenIds).value_or("");
    d.name = readName(r, *fields, item).value_or("");
    if (const Field* ops = YamlReader::get(*fields, "operators")) {
      d.operators = readEmails(r, *ops, "operator");
    }
    out.push_back(std::move(d));
  }
}

// sites[].chat: typing_preview, first_response_seconds, dialog_limit, prechat_departments,
// default_department (a department id of this site), operator_limits ({e-mail: limit}, each an
// operator of one of the site's departments).
void readChat(YamlReader& r, const Field& f, SiteDecl& s) {
  auto fields = r.map(f, {"typing_preview", "first_response_seconds", "dialog_limit",
                          "prechat_departments", "default_department", "operator_limits"});
  if (!fields) return;
  auto& chat = s.chat;
  if (const Field* v = YamlReader::get(*fields, "typing_preview")) {
    chat.typingPreview = r.boolean(*v).value_or(chat.typingPreview);
  }
  if (const Field* v = YamlReader::get(*fields, "prechat_departments")) {
    chat.prechatDepartments = r.boolean(*v).value_or(chat.prechatDepartments);
  }
  if (const Field* v = YamlReader::get(*fields, "first_response_seconds")) {
    chat.firstResponseSeconds = static_cast<int>(
        r.integer(*v, 0, core::sites::kMaxFirstResponseSeconds).value_or(chat.firstResponseSeconds));
  }
  if (const Field* v = YamlReader::get(*fields, "dialog_limit")) {
    chat.dialogLimit =
        static_cast<int>(r.integer(*v, 0, core::sites::kMaxDialogLimit).value_or(chat.dialogLimit));
  }
  if (const Field* v = YamlReader::get(*fields, "default_department")) {
    if (auto slug = r.string(*v)) {
      bool known = std::any_of(s.departments.begin(), s.departments.end(),
                               [&](const DepartmentDecl& d) { return d.id == *slug; });
      if (!known) r.error(*v, "'" + *slug + "' is not a department of this site");
      else chat.defaultDepartment = *slug;
    }
  }
  if (const Field* v = YamlReader::get(*fields, "operator_limits")) {
    if (!v->value.IsMap()) {
      r.error(*v, "must be a map of operator e-mail to dialog limit");
      return;
    }
    std::set<std::string> seen;
    for (auto it = v->value.begin(); it != v->value.end(); ++it) {
      auto email = it->first.as<std::string>("");
      const auto path = YamlReader::join(v->path, email);
      Field item{email, path, it->first, it->second, YamlReader::markOf(it->second, v->mark)};
      Field key{email, path, it->first, it->first, YamlReader::markOf(it->first, v->mark)};
      // Stored with the department's spelling, which is how reconcile created the user.
      std::string declared;
      for (const auto& d : s.departments) {
        for (const auto& op : d.operators) {
          if (lower(op) == lower(email)) declared = op;
        }
      }
      auto limit = r.integer(item, 0, core::sites::kMaxDialogLimit);
      if (declared.empty()) {
        r.error(key, "'" + email + "' is not an operator of this site's departments");
      } else if (!seen.insert(lower(email)).second) {
        r.error(key, "'" + email + "' is listed twice");
      } else if (limit) {
        chat.operatorLimits.emplace_back(declared, static_cast<int>(*limit));
      }
    }
  }
}

// sites[].calls (F21): enabled, ring_mode (all | sequential), ring_timeout_seconds (5-120),
// after_hours (offline_form | callback).
void readCalls(YamlReader& r, const Field& f, SiteDecl& s) {
  auto fields = r.map(f, {"enabled", "ring_mode", "ring_timeout_seconds", "after_hours"});
  if (!fields) return;
  auto& calls = s.calls;
  if (const Field* v = YamlReader::get(*fields, "enabled")) {
    calls.enabled = r.boolean(*v).value_or(calls.enabled);
  }
  if (const Field* v = YamlReader::get(*fields, "ring_mode")) {
    if (auto text = r.string(*v)) {
      if (auto mode = core::sites::parseRingMode(*text)) calls.ringMode = *mode;
      else r.error(*v, "ring_mode must be all or sequential");
    }
  }
  if (const Field* v = YamlReader::get(*fields, "ring_timeout_seconds")) {
    calls.ringTimeoutSeconds = static_cast<int>(
        r.integer(*v, core::sites::kMinRingTimeoutSeconds, core::sites::kMaxRingTimeoutSeconds)
            .value_or(calls.ringTimeoutSeconds));
  }
  if (const Field* v = YamlReader::get(*fields, "after_hours")) {
    if (auto text = r.string(*v)) {
      if (auto offer = core::sites::parseAfterHours(*text)) calls.afterHours = *offer;
      else r.error(*v, "after_hours must be offline_form or callback");
    }
  }
}

}  // namespace

void readSites(LoadContext& ctx, const Field& sites, std::vector<SiteDecl>& out) {
  YamlReader& r = ctx.reader;
  std::map<std::string, int> seenIds;
  for (const Field& item : r.sequence(sites).value_or(std::vector<Field>{})) {
    auto fields = r.map(item, {"id", "name", "origins", "language", "departments", "hours",
                               "offline_emails", "chat", "calls"});
    if (!fields) continue;
    SiteDecl s;
    s.line = item.mark.line + 1;
    s.id = readId(r, *fields, item, "site", seenIds).value_or("");
    s.name = readName(r, *fields, item).value_or("");

    if (const Field* origins = r.require(*fields, "origins", item.mark, item.path)) {
      auto list = r.sequence(*origins);
      if (list && list->empty()) r.error(*origins, "needs at least one origin");
      std::set<std::string> seen;
      for (const Field& o : list.value_or(std::vector<Field>{})) {
        auto text = r.string(o);
        if (!text) continue;
        std::string error;
        auto origin = normalizeOrigin(*text, &error);
        if (!origin) {
          r.error(o, error);
        } else if (!seen.insert(*origin).second) {
          r.error(o, "origin " + *origin + " is listed twice");
        } else {
          s.origins.push_back(*origin);
        }
      }
    }

    if (const Field* lang = YamlReader::get(*fields, "language")) {
      auto value = r.string(*lang);
      if (value && *value != "ru" && *value != "en") {
        r.error(*lang, "language must be ru or en");
      } else if (value) {
        s.language = *value;
      }
    }
    if (const Field* deps = YamlReader::get(*fields, "departments")) {
      readDepartments(r, *deps, s.departments);
    }
    if (const Field* hours = YamlReader::get(*fields, "hours")) s.hours = readHours(ctx, *hours);
    if (const Field* emails = YamlReader::get(*fields, "offline_emails")) {
      for (auto& e : readEmails(r, *emails, "address")) s.offlineEmails.push_back(lower(e));
    }
    if (const Field* chat = YamlReader::get(*fields, "chat")) readChat(r, *chat, s);
    if (const Field* calls = YamlReader::get(*fields, "calls")) readCalls(r, *calls, s);
    out.push_back(std::move(s));
  }
}

}  // namespace callpy::config

// callpyctl hours show|set
#include <memory>

#include "commands/common.h"
#include "commands/hours_edit.h"

namespace callpy::cli {

namespace {

std::string intervalsText(const Poco::JSON::Array::Ptr& intervals) {
  if (!intervals || intervals->size() == 0) return "closed";
  return cellText(intervals);
}

void renderHours(std::ostream& out, const Poco::JSON::Object::Ptr& hours) {
  std::string openNow = hours->has("open_now") ? (flag(hours, "open_now") ? "yes" : "no") : "-";
  Poco::JSON::Object::Ptr weekly = hours->getObject("weekly");
  renderKeyValues(out, {{"timezone", text(hours, "timezone")},
                        {"open now", openNow},
                        {"weekly", weekly ? "see below" : "not configured (always open)"}});
  if (weekly) {
    out << '\n';
    Table days({"DAY", "HOURS"});
    for (const auto& day : kWeekdays) days.addRow({day, intervalsText(weekly->getArray(day))});
    days.render(out);
  }
  auto exceptions = list(hours, "exceptions");
  if (exceptions->size() > 0) {
    out << '\n';
    Table dates({"DATE", "HOURS"});
    for (size_t i = 0; i < exceptions->size(); ++i) {
      auto entry = exceptions->getObject(static_cast<unsigned>(i));
      dates.addRow(
          {text(entry, "date"), intervalsText(entry ? entry->getArray("intervals") : nullptr)});
    }
    dates.render(out);
  }
}

void addShow(CLI::App& noun, Context& ctx) {
  auto site = std::make_shared<std::string>();
  CLI::App* verb = addCommand(noun, "show", "Show a site's working hours");
  verb->add_option("--site", *site, "Site id")->required();
  onRun(verb, ctx, [&ctx, site] {
    auto answer = expectOk(ctx.client().get(sitePath(*site) + "/hours"));
    ctx.emit(answer, [&](std::ostream& out) { renderHours(out, child(answer, "hours")); });
    return kExitOk;
  });
}

void addSet(CLI::App& noun, Context& ctx) {
  struct Args {
    std::string site;
    HoursEdit edit;
  };
  auto args = std::make_shared<Args>();
  CLI::App* verb = addCommand(noun, "set", "Change a site's working hours");
  verb->add_option("--site", args->site, "Site id")->required();
  verb->add_option("--timezone", args->edit.timezone,
                   "IANA time zone, e.g. Europe/Moscow (kept when omitted)");
  verb->add_option("--weekly", args->edit.weekly,
                   "DAYS=INTERVALS, e.g. 'mon-fri=09:00-13:00,14:00-18:00' or 'sun=closed'; "
                   "repeatable")
      ->allow_extra_args(false);
  verb->add_option("--closed-on", args->edit.closedOn,
                   "DATE (YYYY-MM-DD) closed all day; repeatable")
      ->allow_extra_args(false);
  verb->add_option("--exception", args->edit.exceptions,
                   "DATE=INTERVALS, special hours on one date; repeatable")
      ->allow_extra_args(false);
  verb->add_flag(
      "--clear", args->edit.clear,
      "Drop the current weekly hours and exceptions first (no weekly hours = always open)");
  onRun(verb, ctx, [&ctx, args] {
    // Read-modify-write: the flags say what changes; the rest of the schedule stays as it is.
    std::string path = sitePath(args->site) + "/hours";
    auto current = expectOk(ctx.client().get(path));
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
    body->set("hours", applyHoursEdit(current->getObject("hours"), args->edit));
    auto answer = expectOk(ctx.client().put(path, body));
    ctx.emit(answer, [&](std::ostream& out) { renderHours(out, child(answer, "hours")); });
    return kExitOk;
  });
}

}  // namespace

void addHoursCommands(CLI::App& app, Context& ctx) {
  CLI::App* noun = addCommand(app, "hours", "Working hours of a site: show, set");
  noun->require_subcommand(1);
  addShow(*noun, ctx);
  addSet(*noun, ctx);
}

}  // namespace callpy::cli

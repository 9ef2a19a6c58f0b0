// callpyctl site list|add|show|remove|snippet
#include <memory>

#include "commands/common.h"

namespace callpy::cli {

namespace {

KeyValues siteFields(const Poco::JSON::Object::Ptr& site) {
  return {{"id", text(site, "id")},
          {"name", text(site, "name")},
          {"language", text(site, "language")},
          {"timezone", text(site, "timezone")},
          {"origins", text(site, "origins")},
          {"widget key", text(site, "widget_key")},
          {"managed by config", flag(site, "managed_by_config") ? "yes" : "no"}};
}

void addList(CLI::App& noun, Context& ctx) {
  CLI::App* verb = addCommand(noun, "list", "List all sites");
  onRun(verb, ctx, [&ctx] {
    auto answer = expectOk(ctx.client().get("/sites"));
    ctx.emit(answer, [&](std::ostream& out) {
      Table table({"ID", "NAME", "LANGUAGE", "TIMEZONE", "ORIGINS", "CONFIG"});
      auto sites = list(answer, "sites");
      for (size_t i = 0; i < sites->size(); ++i) {
        auto site = sites->getObject(static_cast<unsigned>(i));
        table.addRow({text(site, "id"), text(site, "name"), text(site, "language"),
                      text(site, "timezone"), text(site, "origins"),
                      flag(site, "managed_by_config") ? "yes" : "no"});
      }
      table.render(out);
    });
    return kExitOk;
  });
}

void addAdd(CLI::App& noun, Context& ctx) {
  struct Args {
    std::string name, url, id, language;
  };
  auto args = std::make_shared<Args>();
  CLI::App* verb = addCommand(noun, "add", "Add a site");
  verb->add_option("--name", args->name, "Site name")->required();
  verb->add_option("--url", args->url, "Site URL, e.g. https://example.com")->required();
  verb->add_option("--id", args->id, "Site id (made from the name when omitted)");
  verb->add_option("--language", args->language, "Widget language")
      ->check(CLI::IsMember({"ru", "en"}));
  onRun(verb, ctx, [&ctx, args] {
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
    body->set("name", args->name);
    body->set("url", args->url);
    if (!args->id.empty()) body->set("id", args->id);
    if (!args->language.empty()) body->set("language", args->language);
    auto answer = expectOk(ctx.client().post("/sites", body));
    ctx.emit(answer, [&](std::ostream& out) {
      auto site = child(answer, "site");
      out << "Site " << text(site, "id") << " added.\n";
      renderKeyValues(out, siteFields(site));
    });
    return kExitOk;
  });
}

void addShow(CLI::App& noun, Context& ctx) {
  auto site = std::make_shared<std::string>();
  CLI::App* verb = addCommand(noun, "show", "Show one site");
  verb->add_option("SITE", *site, "Site id")->required();
  onRun(verb, ctx, [&ctx, site] {
    auto answer = expectOk(ctx.client().get(sitePath(*site)));
    ctx.emit(answer,
             [&](std::ostream& out) { renderKeyValues(out, siteFields(child(answer, "site"))); });
    return kExitOk;
  });
}

void addRemove(CLI::App& noun, Context& ctx) {
  auto site = std::make_shared<std::string>();
  CLI::App* verb = addCommand(noun, "remove", "Remove a site and everything it owns");
  verb->add_option("SITE", *site, "Site id")->required();
  onRun(verb, ctx, [&ctx, site] {
    auto answer = expectOk(ctx.client().del(sitePath(*site)));
    ctx.emit(answer, [&](std::ostream& out) { out << "Site " << *site << " removed.\n"; });
    return kExitOk;
  });
}

void addSnippet(CLI::App& noun, Context& ctx) {
  struct Args {
    std::string site;
    std::string variant = "body-start";
  };
  auto args = std::make_shared<Args>();
  CLI::App* verb = addCommand(noun, "snippet", "Print the widget embed code");
  verb->add_option("SITE", args->site, "Site id")->required();
  verb->add_option("--variant", args->variant,
                   "body-start: right after <body>; anywhere: any place on the page")
      ->check(CLI::IsMember({"body-start", "anywhere"}))
      ->capture_default_str();
  onRun(verb, ctx, [&ctx, args] {
    auto answer = expectOk(ctx.client().get(sitePath(args->site) + "/snippet"));
    // The table form is the bare HTML so that it can be piped into a template.
    ctx.emit(answer, [&](std::ostream& out) {
      std::string key = args->variant == "anywhere" ? "anywhere" : "body_start";
      std::string html = answer->optValue<std::string>(key, "");
      out << html;
      if (html.empty() || html.back() != '\n') out << '\n';
    });
    return kExitOk;
  });
}

}  // namespace

void addSiteCommands(CLI::App& app, Context& ctx) {
  CLI::App* noun = addCommand(app, "site", "Sites: list, add, show, remove, snippet");
  noun->require_subcommand(1);
  addList(*noun, ctx);
  addAdd(*noun, ctx);
  addShow(*noun, ctx);
  addRemove(*noun, ctx);
  addSnippet(*noun, ctx);
}

}  // namespace callpy::cli

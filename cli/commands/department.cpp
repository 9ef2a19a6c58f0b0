// callpyctl department list|add|remove|assign
#include <memory>

#include "commands/common.h"

namespace callpy::cli {

namespace {

KeyValues departmentFields(const Poco::JSON::Object::Ptr& dep) {
  return {{"id", text(dep, "slug")},
          {"name", text(dep, "name")},
          {"operators", text(dep, "operators")},
          {"managed by config", flag(dep, "managed_by_config") ? "yes" : "no"}};
}

std::string departmentPath(const std::string& site, const std::string& dep) {
  return sitePath(site) + "/departments/" + encodeSegment(dep);
}

void addList(CLI::App& noun, Context& ctx) {
  auto site = std::make_shared<std::string>();
  CLI::App* verb = addCommand(noun, "list", "List a site's departments");
  verb->add_option("--site", *site, "Site id")->required();
  onRun(verb, ctx, [&ctx, site] {
    auto answer = expectOk(ctx.client().get(sitePath(*site) + "/departments"));
    ctx.emit(answer, [&](std::ostream& out) {
      Table table({"ID", "NAME", "OPERATORS", "CONFIG"});
      auto deps = list(answer, "departments");
      for (size_t i = 0; i < deps->size(); ++i) {
        auto dep = deps->getObject(static_cast<unsigned>(i));
        table.addRow({text(dep, "slug"), text(dep, "name"), text(dep, "operators"),
                      flag(dep, "managed_by_config") ? "yes" : "no"});
      }
      table.render(out);
    });
    return kExitOk;
  });
}

void addAdd(CLI::App& noun, Context& ctx) {
  struct Args {
    std::string site, name, slug;
  };
  auto args = std::make_shared<Args>();
  CLI::App* verb = addCommand(noun, "add", "Add a department");
  verb->add_option("--site", args->site, "Site id")->required();
  verb->add_option("--name", args->name, "Department name")->required();
  verb->add_option("--id", args->slug, "Department id (slug; made from the name when omitted)");
  onRun(verb, ctx, [&ctx, args] {
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
    body->set("name", args->name);
    if (!args->slug.empty()) body->set("slug", args->slug);
    auto answer = expectOk(ctx.client().post(sitePath(args->site) + "/departments", body));
    ctx.emit(answer, [&](std::ostream& out) {
      auto dep = child(answer, "department");
      out << "Department " << text(dep, "slug") << " added.\n";
      renderKeyValues(out, departmentFields(dep));
    });
    return kExitOk;
  });
}

void addRemove(CLI::App& noun, Context& ctx) {
  struct Args {
    std::string site, dep;
  };
  auto args = std::make_shared<Args>();
  CLI::App* verb = addCommand(noun, "remove", "Remove a department");
  verb->add_option("--site", args->site, "Site id")->required();
  verb->add_option("DEP", args->dep, "Department id (slug)")->required();
  onRun(verb, ctx, [&ctx, args] {
    auto answer = expectOk(ctx.client().del(departmentPath(args->site, args->dep)));
    ctx.emit(answer,
             [&](std::ostream& out) { out << "Department " << args->dep << " removed.\n"; });
    return kExitOk;
  });
}

void addAssign(CLI::App& noun, Context& ctx) {
  struct Args {
    std::string site, dep, user;
    bool remove = false;
  };
  auto args = std::make_shared<Args>();
  CLI::App* verb = addCommand(noun, "assign", "Add an operator to a department (or --remove)");
  verb->add_option("--site", args->site, "Site id")->required();
  verb->add_option("DEP", args->dep, "Department id (slug)")->required();
  verb->add_option("USER", args->user, "User id or e-mail")->required();
  verb->add_flag("--remove", args->remove, "Take the operator out of the department instead");
  onRun(verb, ctx, [&ctx, args] {
    std::string path = departmentPath(args->site, args->dep) + "/operators";
    Response response;
    if (args->remove) {
      response = ctx.client().del(path + "/" + encodeSegment(args->user));
    } else {
      Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
      body->set("user", userValue(args->user));
      response = ctx.client().post(path, body);
    }
    auto answer = expectOk(response);
    ctx.emit(answer, [&](std::ostream& out) {
      renderKeyValues(out, departmentFields(child(answer, "department")));
    });
    return kExitOk;
  });
}

}  // namespace

void addDepartmentCommands(CLI::App& app, Context& ctx) {
  CLI::App* noun =
      addCommand(app, "department", "Departments of a site: list, add, remove, assign");
  noun->require_subcommand(1);
  addList(*noun, ctx);
  addAdd(*noun, ctx);
  addRemove(*noun, ctx);
  addAssign(*noun, ctx);
}

}  // namespace callpy::cli

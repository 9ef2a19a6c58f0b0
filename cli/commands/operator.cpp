// callpyctl operator list|invite|disable|enable|role
#include <memory>

#include "commands/common.h"

namespace callpy::cli {

namespace {

const std::vector<std::string> kRoles = {"owner", "admin", "operator"};

std::string operatorState(const Poco::JSON::Object::Ptr& op) {
  if (flag(op, "disabled")) return "disabled";
  if (flag(op, "pending")) return "invited";
  return "active";
}

KeyValues operatorFields(const Poco::JSON::Object::Ptr& op) {
  return {{"user id", text(op, "user_id")},
          {"email", text(op, "email")},
          {"name", text(op, "name")},
          {"role", text(op, "role")},
          {"state", operatorState(op)},
          {"managed by config", flag(op, "managed_by_config") ? "yes" : "no"}};
}

std::string operatorPath(const std::string& site, const std::string& user) {
  return sitePath(site) + "/operators/" + encodeSegment(user);
}

void addList(CLI::App& noun, Context& ctx) {
  auto site = std::make_shared<std::string>();
  CLI::App* verb = addCommand(noun, "list", "List a site's operators");
  verb->add_option("--site", *site, "Site id")->required();
  onRun(verb, ctx, [&ctx, site] {
    auto answer = expectOk(ctx.client().get(sitePath(*site) + "/operators"));
    ctx.emit(answer, [&](std::ostream& out) {
      Table table({"USER", "EMAIL", "NAME", "ROLE", "STATE", "CONFIG"});
      auto operators = list(answer, "operators");
      for (size_t i = 0; i < operators->size(); ++i) {
        auto op = operators->getObject(static_cast<unsigned>(i));
        table.addRow({text(op, "user_id"), text(op, "email"), text(op, "name"), text(op, "role"),
                      operatorState(op), flag(op, "managed_by_config") ? "yes" : "no"});
      }
      table.render(out);
    });
    return kExitOk;
  });
}

void addInvite(CLI::App& noun, Context& ctx) {
  struct Args {
    std::string site, email;
    std::string role = "operator";
    bool printLink = false;
  };
  auto args = std::make_shared<Args>();
  CLI::App* verb = addCommand(noun, "invite", "Invite an operator by e-mail");
  verb->add_option("--site", args->site, "Site id")->required();
  verb->add_option("--email", args->email, "E-mail address")->required();
  verb->add_option("--role", args->role, "Role on the site")
      ->check(CLI::IsMember(kRoles))
      ->capture_default_str();
  verb->add_flag("--print-link", args->printLink,
                 "Print the invite link (to bootstrap the first owner without e-mail)");
  onRun(verb, ctx, [&ctx, args] {
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
    body->set("email", args->email);
    body->set("role", args->role);
    if (args->printLink) body->set("print_link", true);
    auto answer = expectOk(ctx.client().post(sitePath(args->site) + "/operators", body));
    ctx.emit(answer, [&](std::ostream& out) {
      auto op = child(answer, "operator");
      out << "Invited " << text(op, "email") << " as " << text(op, "role") << " of site "
          << args->site << ".\n";
      std::string link = answer->optValue<std::string>("invite_link", "");
      if (!link.empty()) out << "Invite link (valid 7 days): " << link << '\n';
    });
    return kExitOk;
  });
}

void addSwitch(CLI::App& noun, Context& ctx, const std::string& name, const std::string& what) {
  struct Args {
    std::string site, user;
  };
  auto args = std::make_shared<Args>();
  CLI::App* verb = addCommand(noun, name, what);
  verb->add_option("--site", args->site, "Site id")->required();
  verb->add_option("USER", args->user, "User id or e-mail")->required();
  onRun(verb, ctx, [&ctx, args, name] {
    auto answer = expectOk(ctx.client().post(operatorPath(args->site, args->user) + "/" + name));
    ctx.emit(answer, [&](std::ostream& out) {
      renderKeyValues(out, operatorFields(child(answer, "operator")));
    });
    return kExitOk;
  });
}

void addRole(CLI::App& noun, Context& ctx) {
  struct Args {
    std::string site, user, role;
  };
  auto args = std::make_shared<Args>();
  CLI::App* verb = addCommand(noun, "role", "Change an operator's role");
  verb->add_option("--site", args->site, "Site id")->required();
  verb->add_option("USER", args->user, "User id or e-mail")->required();
  verb->add_option("ROLE", args->role, "owner, admin or operator")
      ->required()
      ->check(CLI::IsMember(kRoles));
  onRun(verb, ctx, [&ctx, args] {
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
    body->set("role", args->role);
    auto answer = expectOk(ctx.client().put(operatorPath(args->site, args->user) + "/role", body));
    ctx.emit(answer, [&](std::ostream& out) {
      renderKeyValues(out, operatorFields(child(answer, "operator")));
    });
    return kExitOk;
  });
}

}  // namespace

void addOperatorCommands(CLI::App& app, Context& ctx) {
  CLI::App* noun =
      addCommand(app, "operator", "Operators of a site: list, invite, disable, enable, role");
  noun->require_subcommand(1);
  addList(*noun, ctx);
  addInvite(*noun, ctx);
  addSwitch(*noun, ctx, "disable", "Disable an operator (their sessions end at once)");
  addSwitch(*noun, ctx, "enable", "Enable a disabled operator");
  addRole(*noun, ctx);
}

}  // namespace callpy::cli

#pragma once

#include <Poco/JSON/Object.h>

#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>

#include "client/admin_client.h"

namespace callpy::cli {

// Exit codes (DESIGN §7; 69 is sysexits' EX_UNAVAILABLE).
inline constexpr int kExitOk = 0;
inline constexpr int kExitError = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitUnreachable = 69;

// A bad argument value found after CLI11 parsing (e.g. a malformed --weekly): exit code 2.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A failure that is neither the daemon's nor the user's syntax (unreadable file...): exit code 1.
class CommandError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct GlobalOptions {
  std::string socket;
  std::string config;
  std::string format = "table";
};

// What a command needs while it runs: the streams, the chosen format and, made on first use, the
// admin client (local commands such as `config check` never resolve the socket).
class Context {
 public:
  Context(std::ostream& out, std::ostream& err) : out_(out), err_(err) {}

  GlobalOptions& options() { return options_; }
  std::ostream& out() { return out_; }
  std::ostream& err() { return err_; }
  bool json() const { return options_.format == "json"; }

  AdminClient& client();

  // Prints `answer` as JSON in --format json, otherwise calls `table` to print the human form.
  void emit(const Poco::JSON::Object::Ptr& answer, const std::function<void(std::ostream&)>& table);

  // The command chosen by the parser; run after parsing succeeds so that every parse error is
  // reported before anything talks to the daemon.
  void setAction(std::function<int()> action) { action_ = std::move(action); }
  const std::function<int()>& action() const { return action_; }

 private:
  std::ostream& out_;
  std::ostream& err_;
  GlobalOptions options_;
  std::optional<AdminClient> client_;
  std::function<int()> action_;
};

}  // namespace callpy::cli

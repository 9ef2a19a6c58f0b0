#include "observability/log.h"

#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <string>

#include "observability/recent_errors.h"

namespace callpy::observability {
namespace {
std::atomic<int> gLevel{static_cast<int>(Priority::Info)};
}

bool parsePriority(std::string_view name, Priority& out) {
  if (name == "debug") out = Priority::Debug;
  else if (name == "info") out = Priority::Info;
  else if (name == "notice") out = Priority::Notice;
  else if (name == "warning") out = Priority::Warning;
  else if (name == "error") out = Priority::Error;
  else return false;
  return true;
}

void setLogLevel(Priority level) { gLevel.store(static_cast<int>(level)); }
bool logEnabled(Priority p) { return static_cast<int>(p) <= gLevel.load(std::memory_order_relaxed); }

std::string quoteLogValue(std::string_view v) {
  bool needsQuotes = v.empty();
  for (char c : v) {
    if (c == ' ' || c == '"' || c == '=' || static_cast<unsigned char>(c) < 0x20) needsQuotes = true;
  }
  if (!needsQuotes) return std::string(v);
  std::string out = "\"";
  for (char c : v) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += '?';
    } else {
      out += c;
    }
  }
  out += '"';
  return out;
}

void log(Priority p, std::string_view event, std::initializer_list<Field> fields) {
  if (!logEnabled(p)) return;
  std::string line = "<" + std::to_string(static_cast<int>(p)) + ">";
  line += event;
  for (const auto& [k, v] : fields) {
    line += ' ';
    line += k;
    line += '=';
    line += quoteLogValue(v);
  }
  if (p <= Priority::Error) {
    RecentErrors::instance().add(static_cast<std::int64_t>(std::time(nullptr)), line.substr(3));
  }
  line += '\n';
  // One write() per line keeps lines from different threads whole.
  ssize_t ignored = ::write(STDERR_FILENO, line.data(), line.size());
  (void)ignored;
}

}  // namespace callpy::observability

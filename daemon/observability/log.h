#pragma once
// Logging to stderr, one line per event with a syslog priority prefix ("<6>") that journald
// understands, followed by key=value fields. Never log secrets or message bodies at info level.
#include <atomic>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace callpy::observability {

enum class Priority : int { Error = 3, Warning = 4, Notice = 5, Info = 6, Debug = 7 };

// Parses "debug|info|notice|warning|error"; returns false for anything else.
bool parsePriority(std::string_view name, Priority& out);
void setLogLevel(Priority level);
bool logEnabled(Priority p);

using Field = std::pair<std::string_view, std::string>;
// Writes "<P>event key=value key2="value with spaces"" atomically to stderr.
void log(Priority p, std::string_view event, std::initializer_list<Field> fields = {});

inline void logError(std::string_view e, std::initializer_list<Field> f = {}) { log(Priority::Error, e, f); }
inline void logWarning(std::string_view e, std::initializer_list<Field> f = {}) { log(Priority::Warning, e, f); }
inline void logNotice(std::string_view e, std::initializer_list<Field> f = {}) { log(Priority::Notice, e, f); }
inline void logInfo(std::string_view e, std::initializer_list<Field> f = {}) { log(Priority::Info, e, f); }
inline void logDebug(std::string_view e, std::initializer_list<Field> f = {}) { log(Priority::Debug, e, f); }

// Quotes a value for key=value output when it holds spaces, quotes or control characters.
std::string quoteLogValue(std::string_view v);

}  // namespace callpy::observability

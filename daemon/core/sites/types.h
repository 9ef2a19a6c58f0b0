#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace callpy::core::sites {

// Chat settings of a site (issue 4 §4, routing and the widget). Defaults match the schema.
struct ChatSettings {
  bool typingPreview = true;        // operators see the visitor's draft; the widget says so
  int firstResponseSeconds = 60;    // unanswered dialogs are re-offered after this (0 = never)
  int dialogLimit = 0;              // open dialogs per operator (0 = unlimited)
  bool prechatDepartments = true;   // with several departments the widget asks which one
  std::optional<std::int64_t> defaultDepartmentId;  // where unchosen dialogs go
  bool operator==(const ChatSettings&) const = default;
};

// Incoming (visitor) call settings of a site (F21). Defaults match the schema.
enum class RingMode { All, Sequential };                  // every eligible operator at once, or one by one
enum class AfterHoursCall { OfflineForm, Callback };      // what the widget offers when closed
struct CallSettings {
  bool enabled = true;
  RingMode ringMode = RingMode::All;
  int ringTimeoutSeconds = 20;  // per operator in sequential mode
  AfterHoursCall afterHours = AfterHoursCall::OfflineForm;
  bool operator==(const CallSettings&) const = default;
};
inline constexpr int kMinRingTimeoutSeconds = 5;
inline constexpr int kMaxRingTimeoutSeconds = 120;
// "all" / "sequential", "offline_form" / "callback" (storage, REST, YAML, the widget).
const char* ringModeName(RingMode m);
std::optional<RingMode> parseRingMode(const std::string& s);
const char* afterHoursName(AfterHoursCall a);
std::optional<AfterHoursCall> parseAfterHours(const std::string& s);

inline constexpr int kMaxFirstResponseSeconds = 86'400;
inline constexpr int kMaxDialogLimit = 1'000;

// Empty when valid, else the first problem (for Error(invalid, field)): {field, message}.
std::optional<std::pair<std::string, std::string>> checkChatSettings(int firstResponseSeconds,
                                                                     int dialogLimit);

struct Site {
  std::string id;
  std::string name;
  std::string language = "ru";
  std::string timezone = "UTC";
  std::vector<std::string> origins;
  std::string widgetKey;
  bool managedByConfig = false;
  std::vector<std::string> offlineEmails;  // where offline-form requests are e-mailed (F7)
  ChatSettings chat;
  CallSettings calls;
};

struct Department {
  std::int64_t id = 0;
  std::string slug;
  std::string name;
  std::vector<std::int64_t> operators;  // user ids
  bool managedByConfig = false;
};

// "https://Shop.example.com:8443/path" → "https://shop.example.com:8443"; nullopt when the
// text is not an http(s) URL with a host.
std::optional<std::string> originOf(const std::string& url);
// A URL-safe id made from a name: lowercase ASCII letters, digits and dashes (may be empty).
std::string slugify(const std::string& name);
bool isValidSlug(const std::string& slug);

}  // namespace callpy::core::sites

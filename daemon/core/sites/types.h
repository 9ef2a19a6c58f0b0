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

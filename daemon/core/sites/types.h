#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace callpy::core::sites {

struct Site {
  std::string id;
  std::string name;
  std::string language = "ru";
  std::string timezone = "UTC";
  std::vector<std::string> origins;
  std::string widgetKey;
  bool managedByConfig = false;
  std::vector<std::string> offlineEmails;  // where offline-form requests are e-mailed (F7)
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

#include "client/admin_client.h"

#include <Poco/JSON/Parser.h>
#include <curl/curl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <mutex>
#include <sstream>

namespace callpy::cli {

namespace {

void initCurlOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

size_t appendBody(char* data, size_t size, size_t count, void* target) {
  static_cast<std::string*>(target)->append(data, size * count);
  return size * count;
}

// curl reports a missing socket as "Couldn't connect to server ... port 80", which names neither
// the socket nor the cause; a plain connect() tells the administrator what is actually wrong.
std::string probeSocket(const std::string& path) {
  sockaddr_un addr{};
  if (path.size() >= sizeof(addr.sun_path)) return "socket path too long";
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return std::strerror(errno);
  int rc = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  int savedErrno = errno;
  ::close(fd);
  if (rc == 0) return {};
  return std::strerror(savedErrno);
}

using CurlHandle = std::unique_ptr<CURL, decltype(&curl_easy_cleanup)>;
using CurlList = std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)>;

}  // namespace

Poco::JSON::Object::Ptr Response::object() const {
  if (!body.isEmpty() && body.type() == typeid(Poco::JSON::Object::Ptr)) {
    auto obj = body.extract<Poco::JSON::Object::Ptr>();
    if (obj) return obj;
  }
  return new Poco::JSON::Object;
}

Unreachable::Unreachable(std::string socketPath, std::string reason)
    : std::runtime_error("cannot reach callpyd at " + socketPath + ": " + reason +
                         " (is the daemon running?)"),
      socketPath_(std::move(socketPath)),
      reason_(std::move(reason)) {}

ApiError::ApiError(long status, std::string code, std::string message, std::string field)
    : std::runtime_error(std::move(message)),
      status_(status),
      code_(std::move(code)),
      field_(std::move(field)) {}

AdminClient::AdminClient(std::string socketPath) : socketPath_(std::move(socketPath)) {
  initCurlOnce();
}

Response AdminClient::get(const std::string& path) const { return send("GET", path, nullptr); }
Response AdminClient::post(const std::string& path, const Poco::JSON::Object::Ptr& body) const {
  return send("POST", path, body);
}
Response AdminClient::put(const std::string& path, const Poco::JSON::Object::Ptr& body) const {
  return send("PUT", path, body);
}
Response AdminClient::patch(const std::string& path, const Poco::JSON::Object::Ptr& body) const {
  return send("PATCH", path, body);
}
Response AdminClient::del(const std::string& path) const { return send("DELETE", path, nullptr); }

Response AdminClient::send(const std::string& method, const std::string& path,
                           const Poco::JSON::Object::Ptr& body) const {
  if (!body) return raw(method, std::string(kPrefix) + path, nullptr);
  std::ostringstream text;
  body->stringify(text);
  std::string bytes = text.str();
  return raw(method, std::string(kPrefix) + path, &bytes);
}

Response AdminClient::raw(const std::string& method, const std::string& absolutePath,
                          const std::string* body) const {
  CurlHandle curl(curl_easy_init(), &curl_easy_cleanup);
  if (!curl) throw std::runtime_error("cannot initialise libcurl");
  std::string url = "http://localhost" + absolutePath;
  std::string received;
  char errorBuffer[CURL_ERROR_SIZE] = {0};

  CurlList headers(nullptr, &curl_slist_free_all);
  auto addHeader = [&headers](const char* line) {
    curl_slist* next = curl_slist_append(headers.get(), line);
    if (!next) throw std::bad_alloc();
    headers.release();
    headers.reset(next);
  };
  addHeader("Accept: application/json");
  // Without this curl sends "Expect: 100-continue" for larger bodies and waits for the server.
  addHeader("Expect:");

  CURL* h = curl.get();
  curl_easy_setopt(h, CURLOPT_UNIX_SOCKET_PATH, socketPath_.c_str());
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method.c_str());
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errorBuffer);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &appendBody);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &received);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 5L);
  curl_easy_setopt(h, CURLOPT_TIMEOUT, 120L);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_USERAGENT, "callpyctl");
  if (body) {
    addHeader("Content-Type: application/json");
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body->data());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body->size()));
  } else if (method == "POST" || method == "PUT" || method == "PATCH") {
    // An explicit "Content-Length: 0": without any length a POCO server reads the body until the
    // connection closes, while curl waits for the answer.
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, "");
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(0));
  } else if (method == "GET") {
    curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
  }
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());

  CURLcode rc = curl_easy_perform(h);
  if (rc != CURLE_OK) {
    std::string reason;
    if (rc == CURLE_COULDNT_CONNECT) reason = probeSocket(socketPath_);
    if (reason.empty()) reason = errorBuffer[0] ? errorBuffer : curl_easy_strerror(rc);
    throw Unreachable(socketPath_, reason);
  }

  Response response;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &response.status);
  response.raw = std::move(received);
  char* contentType = nullptr;
  curl_easy_getinfo(h, CURLINFO_CONTENT_TYPE, &contentType);
  bool looksJson =
      (contentType && std::strstr(contentType, "json")) ||
      (!response.raw.empty() && (response.raw.front() == '{' || response.raw.front() == '['));
  if (looksJson) {
    try {
      Poco::JSON::Parser parser;
      response.body = parser.parse(response.raw);
    } catch (const Poco::Exception&) {
      // Left empty: callers treat a non-JSON answer by its status alone.
    }
  }
  return response;
}

std::string encodeSegment(std::string_view segment) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(segment.size());
  for (unsigned char c : segment) {
    bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '_' || c == '.' || c == '~';
    if (unreserved) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0x0F]);
    }
  }
  return out;
}

Poco::JSON::Object::Ptr expectOk(const Response& response) {
  if (response.ok()) return response.object();
  Poco::JSON::Object::Ptr obj = response.object();
  Poco::JSON::Object::Ptr error = obj->getObject("error");
  if (!error) {
    throw ApiError(response.status, "internal",
                   "callpyd answered HTTP " + std::to_string(response.status));
  }
  std::string code = error->optValue<std::string>("code", "internal");
  std::string message = error->optValue<std::string>("message", "");
  if (message.empty()) message = "callpyd answered HTTP " + std::to_string(response.status);
  std::string field = error->optValue<std::string>("field", "");
  ApiError failure(response.status, code, message, field);
  throw failure;
}

}  // namespace callpy::cli

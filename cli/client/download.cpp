#include "client/download.h"

#include <Poco/JSON/Parser.h>
#include <curl/curl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

namespace callpy::cli {

namespace {

struct Sink {
  CURL* curl = nullptr;
  int fd = -1;
  std::string errorBody;  // a non-2xx answer is a small JSON error: kept in memory
  std::string writeError;
};

size_t receive(char* data, size_t size, size_t count, void* target) {
  auto* sink = static_cast<Sink*>(target);
  const size_t n = size * count;
  long status = 0;
  curl_easy_getinfo(sink->curl, CURLINFO_RESPONSE_CODE, &status);
  if (status < 200 || status >= 300) {
    if (sink->errorBody.size() < (1u << 20)) sink->errorBody.append(data, n);
    return n;
  }
  size_t done = 0;
  while (done < n) {
    ssize_t w = ::write(sink->fd, data + done, n - done);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) {
      sink->writeError = std::strerror(errno);
      return 0;  // aborts the transfer
    }
    done += static_cast<size_t>(w);
  }
  return n;
}

}  // namespace

Response downloadTo(const AdminClient& client, const std::string& path, int fd,
                    std::string& transferError) {
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), &curl_easy_cleanup);
  if (!curl) throw std::runtime_error("cannot initialise libcurl");
  CURL* h = curl.get();
  Sink sink{h, fd, {}, {}};
  std::string url = "http://localhost" + std::string(AdminClient::kPrefix) + path;
  char errorBuffer[CURL_ERROR_SIZE] = {0};
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers(
      curl_slist_append(nullptr, "Expect:"), &curl_slist_free_all);
  curl_easy_setopt(h, CURLOPT_UNIX_SOCKET_PATH, client.socketPath().c_str());
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_POST, 1L);
  curl_easy_setopt(h, CURLOPT_POSTFIELDS, "");
  curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(0));
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errorBuffer);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &receive);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 5L);
  // No total timeout (a large data dir takes as long as it takes), but a stalled daemon does not
  // hang the command: give up after a minute without a byte.
  curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, 60L);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_USERAGENT, "callpyctl");

  CURLcode rc = curl_easy_perform(h);
  Response response;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &response.status);
  if (rc != CURLE_OK) {
    std::string reason = !sink.writeError.empty() ? "cannot write the backup file: " + sink.writeError
                         : errorBuffer[0]         ? std::string(errorBuffer)
                                                  : curl_easy_strerror(rc);
    if (response.status == 0) throw Unreachable(client.socketPath(), reason);
    transferError = reason;
  }
  response.raw = std::move(sink.errorBody);
  if (!response.ok() && !response.raw.empty() && response.raw.front() == '{') {
    try {
      Poco::JSON::Parser parser;
      response.body = parser.parse(response.raw);
    } catch (const Poco::Exception&) {
    }
  }
  return response;
}

}  // namespace callpy::cli

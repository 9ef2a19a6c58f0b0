#include "context.h"

#include "output/json.h"
#include "socket_path.h"

namespace callpy::cli {

AdminClient& Context::client() {
  if (!client_) client_.emplace(resolveSocketPath(options_.socket, options_.config));
  return *client_;
}

void Context::emit(const Poco::JSON::Object::Ptr& answer,
                   const std::function<void(std::ostream&)>& table) {
  if (json()) {
    renderJson(out_, answer);
  } else {
    table(out_);
  }
}

}  // namespace callpy::cli

#pragma once
// What callpyd says when a listener cannot bind. The unit runs without capabilities, so a
// configured port below 1024 fails with EACCES; the message then names the drop-in that grants
// CAP_NET_BIND_SERVICE alone, and the exit status is 78 so systemd does not restart-loop.
#include <string>
#include <vector>

namespace callpy::app {

// Shipped by the package (packaging/privileged-ports.conf).
inline constexpr const char* kPrivilegedPortsDropIn =
    "/usr/share/doc/callpy/examples/privileged-ports.conf";

struct ListenFailure {
  int exitCode;
  std::string message;  // for standard error, without the trailing newline
};

// errorCode: the errno of the failed bind (Poco's Exception::code()); error: its text;
// ports: the configured TCP ports (listen.http, listen.https; 0 = not configured).
ListenFailure describeListenFailure(int errorCode, const std::string& error,
                                    const std::vector<int>& ports);

}  // namespace callpy::app

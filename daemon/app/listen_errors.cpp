#include "app/listen_errors.h"

#include <cerrno>

#include "app/app.h"

namespace callpy::app {

ListenFailure describeListenFailure(int errorCode, const std::string& error,
                                    const std::vector<int>& ports) {
  std::string privileged;
  for (int p : ports) {
    if (p > 0 && p < 1024) privileged += (privileged.empty() ? "" : ", ") + std::to_string(p);
  }
  if ((errorCode != EACCES && errorCode != EPERM) || privileged.empty())
    return {kExitOsError, "callpyd: cannot listen: " + error};
  return {kExitConfig,
          "callpyd: cannot listen: " + error + ": port " + privileged +
              " is below 1024, which needs the capability CAP_NET_BIND_SERVICE; the callpyd "
              "unit grants none. Either listen on a port from 1024 up behind a reverse proxy, or "
              "grant that one capability with the drop-in " + kPrivilegedPortsDropIn +
              ":\n  install -D -m 0644 " + kPrivilegedPortsDropIn +
              " /etc/systemd/system/callpyd.service.d/privileged-ports.conf\n"
              "  systemctl daemon-reload && systemctl restart callpyd\n"
              "(see PRIVILEGED PORTS in callpyd(8))"};
}

}  // namespace callpy::app

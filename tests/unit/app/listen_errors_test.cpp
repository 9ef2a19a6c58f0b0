#include "app/listen_errors.h"

#include <gtest/gtest.h>

#include <cerrno>

#include "app/app.h"

namespace callpy::app {
namespace {

TEST(ListenErrors, PrivilegedPortDeniedNamesTheDropInAndIsAConfigError) {
  auto f = describeListenFailure(EACCES, "Permission denied", {443, 0});
  EXPECT_EQ(f.exitCode, kExitConfig);
  EXPECT_NE(f.message.find("callpyd: cannot listen: Permission denied"), std::string::npos) << f.message;
  EXPECT_NE(f.message.find("port 443 is below 1024"), std::string::npos) << f.message;
  EXPECT_NE(f.message.find("CAP_NET_BIND_SERVICE"), std::string::npos) << f.message;
  EXPECT_NE(f.message.find("/usr/share/doc/callpy/examples/privileged-ports.conf"), std::string::npos);
  EXPECT_NE(f.message.find("/etc/systemd/system/callpyd.service.d/privileged-ports.conf"),
            std::string::npos);
}

TEST(ListenErrors, ListsEveryPrivilegedPort) {
  auto f = describeListenFailure(EACCES, "Permission denied", {80, 443});
  EXPECT_NE(f.message.find("port 80, 443 is below 1024"), std::string::npos) << f.message;
}

TEST(ListenErrors, OtherFailuresStayPlain) {
  // Permission denied on a high port is not about capabilities.
  auto high = describeListenFailure(EACCES, "Permission denied", {8080, 0});
  EXPECT_EQ(high.exitCode, kExitOsError);
  EXPECT_EQ(high.message, "callpyd: cannot listen: Permission denied");
  auto inUse = describeListenFailure(EADDRINUSE, "Address already in use", {443, 0});
  EXPECT_EQ(inUse.exitCode, kExitOsError);
  EXPECT_EQ(inUse.message.find("CAP_NET_BIND_SERVICE"), std::string::npos);
}

}  // namespace
}  // namespace callpy::app

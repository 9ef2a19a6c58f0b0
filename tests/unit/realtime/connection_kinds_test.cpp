#include "realtime/connection_kinds.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "observability/metrics.h"

namespace callpy::realtime {
namespace {

bool hasLine(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos || text.rfind(line + "\n", 0) == 0;
}

TEST(ConnectionKinds, CountFollowsTheSessionsLife) {
  const auto visitors = openConnections(ConnectionKind::Visitor);
  const auto devices = openConnections(ConnectionKind::CallDevice);
  {
    ConnectionKindCount a(ConnectionKind::Visitor);
    auto b = std::make_unique<ConnectionKindCount>(ConnectionKind::Visitor);
    ConnectionKindCount c(ConnectionKind::CallDevice);
    EXPECT_EQ(openConnections(ConnectionKind::Visitor), visitors + 2);
    EXPECT_EQ(openConnections(ConnectionKind::CallDevice), devices + 1);
    b.reset();
    EXPECT_EQ(openConnections(ConnectionKind::Visitor), visitors + 1);
  }
  EXPECT_EQ(openConnections(ConnectionKind::Visitor), visitors);
  EXPECT_EQ(openConnections(ConnectionKind::CallDevice), devices);
}

TEST(ConnectionKinds, MetricsHaveOneLabelledSeriesPerKind) {
  observability::Metrics m;
  registerConnectionKindMetrics(m);
  ConnectionKindCount op1(ConnectionKind::Operator);
  ConnectionKindCount op2(ConnectionKind::Operator);
  const auto text = m.render();
  EXPECT_TRUE(hasLine(text, "# TYPE callpy_ws_connections gauge")) << text;
  EXPECT_TRUE(hasLine(text, "callpy_ws_connections{kind=\"operator\"} " +
                                std::to_string(openConnections(ConnectionKind::Operator))))
      << text;
  EXPECT_GE(openConnections(ConnectionKind::Operator), 2);
  EXPECT_NE(text.find("callpy_ws_connections{kind=\"visitor\"} "), std::string::npos) << text;
  EXPECT_NE(text.find("callpy_ws_connections{kind=\"call_device\"} "), std::string::npos) << text;
  // One family: HELP and TYPE once, no unlabelled sample.
  EXPECT_EQ(text.find("# TYPE callpy_ws_connections"), text.rfind("# TYPE callpy_ws_connections"));
  EXPECT_EQ(text.find("\ncallpy_ws_connections "), std::string::npos) << text;
}

}  // namespace
}  // namespace callpy::realtime

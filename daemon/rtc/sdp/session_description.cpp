#include "rtc/sdp/session_description.h"

namespace callpy::rtc::sdp {

std::string_view directionName(Direction d) {
  switch (d) {
    case Direction::SendRecv:
      return "sendrecv";
    case Direction::SendOnly:
      return "sendonly";
    case Direction::RecvOnly:
      return "recvonly";
    case Direction::Inactive:
      return "inactive";
  }
  return "sendrecv";
}

std::string_view setupName(Setup s) {
  switch (s) {
    case Setup::None:
      return "";
    case Setup::ActPass:
      return "actpass";
    case Setup::Active:
      return "active";
    case Setup::Passive:
      return "passive";
    case Setup::HoldConn:
      return "holdconn";
  }
  return "";
}

}  // namespace callpy::rtc::sdp

// libFuzzer target for libnice's STUN parser, the code the daemon runs on every datagram with a
// first byte 0-3 (rtc/ice): stun_message_validate_buffer_length, then stun_agent_validate with
// the agent set up as libnice sets it up for RFC 5245 streams (short-term credentials,
// FINGERPRINT, consent freshness) and a key callback, then every attribute lookup the ICE code
// does, and the reply builder for valid requests.
//
// libnice is linked as the system shared library, so its code carries no coverage or ASan
// instrumentation: this finds crashes and hangs, and memory errors only where they touch the
// buffers this harness owns (the input is copied into an exactly sized heap block).
#include <netinet/in.h>
#include <stun/stunagent.h>
#include <stun/stunmessage.h>
#include <stun/usages/bind.h>
#include <stun/usages/ice.h>
#include <sys/socket.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>

namespace {

uint8_t kPassword[] = "0123456789abcdefghijkl";  // 22 characters, like an ICE pwd

// Accepts any username and hands out a fixed password, so MESSAGE-INTEGRITY is computed and
// compared on every input that carries one.
bool keyFor(StunAgent*, StunMessage*, uint8_t* username, uint16_t usernameLen, uint8_t** password,
            size_t* passwordLen, void*) {
  if (usernameLen > 0 && username == nullptr) abort();
  *password = kPassword;
  *passwordLen = sizeof kPassword - 1;
  return true;
}

// Touches every byte libnice claims an attribute has, so an out-of-bounds length shows up.
volatile uint8_t sink;
void touch(const void* data, uint16_t len) {
  const auto* bytes = static_cast<const uint8_t*>(data);
  for (uint16_t i = 0; i < len; ++i) sink = bytes[i];
}

void lookUpAttributes(const StunMessage& msg) {
  static constexpr uint16_t kTypes[] = {
      STUN_ATTRIBUTE_MAPPED_ADDRESS, STUN_ATTRIBUTE_USERNAME, STUN_ATTRIBUTE_MESSAGE_INTEGRITY,
      STUN_ATTRIBUTE_ERROR_CODE, STUN_ATTRIBUTE_UNKNOWN_ATTRIBUTES, STUN_ATTRIBUTE_REALM,
      STUN_ATTRIBUTE_NONCE, STUN_ATTRIBUTE_XOR_MAPPED_ADDRESS, STUN_ATTRIBUTE_PRIORITY,
      STUN_ATTRIBUTE_USE_CANDIDATE, STUN_ATTRIBUTE_SOFTWARE, STUN_ATTRIBUTE_FINGERPRINT,
      STUN_ATTRIBUTE_ICE_CONTROLLED, STUN_ATTRIBUTE_ICE_CONTROLLING, STUN_ATTRIBUTE_NOMINATION};
  for (uint16_t type : kTypes) {
    uint16_t len = 0;
    if (const void* value = stun_message_find(&msg, static_cast<StunAttribute>(type), &len))
      touch(value, len);
  }
  sockaddr_storage addr;
  socklen_t addrLen = sizeof addr;
  stun_message_find_xor_addr(&msg, STUN_ATTRIBUTE_XOR_MAPPED_ADDRESS, &addr, &addrLen);
  addrLen = sizeof addr;
  stun_message_find_addr(&msg, STUN_ATTRIBUTE_MAPPED_ADDRESS, &addr, &addrLen);
  uint32_t priority = 0;
  stun_message_find32(&msg, STUN_ATTRIBUTE_PRIORITY, &priority);
  uint64_t tie = 0;
  stun_message_find64(&msg, STUN_ATTRIBUTE_ICE_CONTROLLING, &tie);
  stun_message_find64(&msg, STUN_ATTRIBUTE_ICE_CONTROLLED, &tie);
  char text[128];
  stun_message_find_string(&msg, STUN_ATTRIBUTE_SOFTWARE, text, sizeof text);
  int code = 0;
  stun_message_find_error(&msg, &code);
  stun_message_find_flag(&msg, STUN_ATTRIBUTE_USE_CANDIDATE);
  stun_usage_ice_conncheck_priority(&msg);
  stun_usage_ice_conncheck_use_candidate(&msg);
  StunTransactionId id;
  stun_message_id(&msg, id);
  stun_message_get_class(&msg);
  stun_message_get_method(&msg);
  stun_message_has_cookie(&msg);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 4096) return 0;  // a UDP datagram on our path is at most one MTU
  // Exactly sized copy: reads past the end hit ASan's redzone from our side of the call at least.
  std::unique_ptr<uint8_t[]> copy(new uint8_t[size ? size : 1]);
  if (size) std::memcpy(copy.get(), data, size);

  for (bool padding : {true, false}) {
    const int length = stun_message_validate_buffer_length(copy.get(), size, padding);
    if (length > 0 && static_cast<size_t>(length) > size) abort();  // claims bytes it was not given
  }
  if (stun_message_validate_buffer_length(copy.get(), size, true) <= 0) return 0;

  StunAgent agent;
  stun_agent_init(&agent, STUN_ALL_KNOWN_ATTRIBUTES, STUN_COMPATIBILITY_RFC5389,
                  static_cast<StunAgentUsageFlags>(STUN_AGENT_USAGE_SHORT_TERM_CREDENTIALS |
                                                   STUN_AGENT_USAGE_USE_FINGERPRINT |
                                                   STUN_AGENT_USAGE_CONSENT_FRESHNESS));
  StunMessage msg;
  const StunValidationStatus status =
      stun_agent_validate(&agent, &msg, copy.get(), size, keyFor, nullptr);
  switch (status) {
    case STUN_VALIDATION_SUCCESS:
    case STUN_VALIDATION_UNKNOWN_REQUEST_ATTRIBUTE:
    case STUN_VALIDATION_UNMATCHED_RESPONSE:
    case STUN_VALIDATION_UNAUTHORIZED:
    case STUN_VALIDATION_UNAUTHORIZED_BAD_REQUEST:
      // The message framing passed; libnice's ICE code goes on to read attributes.
      lookUpAttributes(msg);
      break;
    default:
      return 0;
  }
  if (status == STUN_VALIDATION_SUCCESS && stun_message_get_class(&msg) == STUN_REQUEST) {
    // What libnice does with a valid connectivity check: build the reply (or an error reply).
    uint8_t reply[STUN_MAX_MESSAGE_SIZE_IPV6];
    size_t replyLen = sizeof reply;
    StunMessage response;
    sockaddr_storage from{};
    auto* v4 = reinterpret_cast<sockaddr_in*>(&from);
    v4->sin_family = AF_INET;
    v4->sin_port = htons(50000);
    v4->sin_addr.s_addr = htonl(0x7f000001);
    bool controlling = false;
    stun_usage_ice_conncheck_create_reply(&agent, &msg, &response, reply, &replyLen, &from,
                                          sizeof(sockaddr_in), &controlling, 0x1122334455667788ULL,
                                          STUN_USAGE_ICE_COMPATIBILITY_RFC5245);
    if (replyLen > sizeof reply) abort();
  }
  if (status == STUN_VALIDATION_UNKNOWN_REQUEST_ATTRIBUTE) {
    uint8_t reply[STUN_MAX_MESSAGE_SIZE_IPV6];
    StunMessage response;
    const size_t replyLen =
        stun_agent_build_unknown_attributes_error(&agent, &response, reply, sizeof reply, &msg);
    if (replyLen > sizeof reply) abort();
  }
  return 0;
}

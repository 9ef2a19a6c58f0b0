#pragma once
// Visitor information gathered by the visitor socket (F4, F12): page views from `hello` and
// `page` frames, the location of the peer address, and browser/OS/device for the Visitors list.
// Kept out of visitor_session.cpp, which only hooks these in.
#include <string>

#include "core/dialogs/types.h"
#include "realtime/chat_frames.h"
#include "realtime/chat_hub.h"

namespace callpy::realtime {

class ChatGateway;

// Most earlier page views of the same tab a hello may carry (the loader keeps them).
inline constexpr std::size_t kMaxEarlierPages = 20;

// At hello: fills the view's browser, OS, device and location (from `peerAddress`, names in
// `language`), and records the hello's page and the tab's earlier pages (page.earlier[]).
void trackHello(ChatGateway& gateway, const core::dialogs::VisitorRef& visitor,
                const frames::Json& hello, const std::string& peerAddress,
                const std::string& language, VisitorView& view);
// A `page` frame (navigation inside a single-page site): records the page view.
void trackPage(ChatGateway& gateway, const core::dialogs::VisitorRef& visitor,
               const frames::Json& page);
// Browser, OS and device of a User-Agent into the view.
void describeAgent(const std::string& userAgent, VisitorView& view);

}  // namespace callpy::realtime

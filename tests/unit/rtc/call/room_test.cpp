// The room's multi-party bookkeeping (F18): which offer section is which remote participant's
// track (sectionSlots), and which receive slot of each participant shows whom as participants
// join, leave and come back (the routing of every packet follows these slots). Offers here are
// unusable SDP, so legs are rejected at once and no ports are opened; the participant is still
// in the room, which is what the slot bookkeeping is about.
#include <gtest/gtest.h>

#include <future>

#include "rtc/call/leg.h"
#include "rtc/call/room.h"
#include "rtc/dtls/certificate.h"
#include "rtc/dtls/dtls_context.h"

namespace callpy::rtc::call {
namespace {

sdp::SectionAnswer section(sdp::MediaKind kind) {
  sdp::SectionAnswer s;
  s.accepted.emplace();
  s.accepted->kind = kind;
  return s;
}

TEST(SectionSlots, OneAudioAndTwoVideosPerSlotInKindOrder) {
  using sdp::MediaKind;
  sdp::Negotiation n;
  // A 1:1 browser (audio, camera, screen) that added two receive slots, interleaved by kind.
  for (auto k : {MediaKind::Audio, MediaKind::Video, MediaKind::Video, MediaKind::Audio, MediaKind::Video,
                 MediaKind::Video, MediaKind::Audio, MediaKind::Video, MediaKind::Video}) {
    n.sections.push_back(section(k));
  }
  n.sections.insert(n.sections.begin() + 3, sdp::SectionAnswer{});  // a rejected one
  n.sections.push_back(section(MediaKind::Audio));                   // beyond 3 slots
  auto slots = sectionSlots(n);
  ASSERT_EQ(slots.size(), 11u);
  const std::vector<std::pair<int, Role>> want = {
      {0, Role::Audio}, {0, Role::Camera}, {0, Role::Screen}, {-1, Role::None},
      {1, Role::Audio}, {1, Role::Camera}, {1, Role::Screen}, {2, Role::Audio},
      {2, Role::Camera}, {2, Role::Screen}, {-1, Role::None}};
  for (std::size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(slots[i].slot, want[i].first) << i;
    EXPECT_EQ(slots[i].role, want[i].second) << i;
  }
  // What the browser itself sends is slot 0 only.
  auto roles = sectionRoles(n);
  EXPECT_EQ(roles[0], Role::Audio);
  EXPECT_EQ(roles[2], Role::Screen);
  EXPECT_EQ(roles[4], Role::None);
}

TEST(SectionSlots, AudioOnlyOfferHasOneSlot) {
  sdp::Negotiation n;
  n.sections.push_back(section(sdp::MediaKind::Audio));
  auto slots = sectionSlots(n);
  ASSERT_EQ(slots.size(), 1u);
  EXPECT_EQ(slots[0].slot, 0);
  EXPECT_EQ(slots[0].role, Role::Audio);
}

class RoomTest : public ::testing::Test {
 protected:
  RoomTest() {
    shared_.dtls = dtls::DtlsContext::create(dtls::Certificate::generateEcdsaP256());
    shared_.counters = &counters_;
    thread_.runSync([this] { room_ = std::make_unique<Room>(thread_, shared_); });
  }
  ~RoomTest() override {
    thread_.runSync([this] { room_.reset(); });
  }

  // An offer the leg rejects at once (no ports); returns the rejection text.
  std::string join(const std::string& key) {
    std::string problem;
    thread_.runSync([&] {
      LegEvents events;
      events.rejected = [&](const std::string& p) { problem = p; };
      events.answer = [](const std::string&) {};
      room_->offer(key, "not sdp", std::move(events));
    });
    return problem;
  }
  std::vector<std::string> slots(const std::string& key) {
    std::vector<std::string> out;
    thread_.runSync([&] { out = room_->slotsOf(key); });
    return out;
  }
  void leave(const std::string& key) {
    thread_.runSync([&] { room_->leave(key); });
  }

  ice::MediaThread thread_;
  ThreadCounters counters_;
  LegShared shared_;
  std::unique_ptr<Room> room_;
};

TEST_F(RoomTest, ThreeParticipantsEachGetASlotPerOther) {
  join("visitor");
  join("operator:1");
  EXPECT_EQ(slots("visitor"), (std::vector<std::string>{"operator:1"}));
  EXPECT_EQ(slots("operator:1"), (std::vector<std::string>{"visitor"}));
  join("operator:2");
  EXPECT_EQ(slots("visitor"), (std::vector<std::string>{"operator:1", "operator:2"}));
  EXPECT_EQ(slots("operator:1"), (std::vector<std::string>{"visitor", "operator:2"}));
  EXPECT_EQ(slots("operator:2"), (std::vector<std::string>{"visitor", "operator:1"}));
}

TEST_F(RoomTest, LeaveFreesTheSlotAndTheOthersKeepTheirs) {
  join("visitor");
  join("operator:1");
  join("operator:2");
  leave("operator:1");
  // The visitor still sees operator 2 in slot 1 (stable SSRCs), slot 0 is free.
  EXPECT_EQ(slots("visitor"), (std::vector<std::string>{"", "operator:2"}));
  EXPECT_EQ(slots("operator:2"), (std::vector<std::string>{"visitor"}));
  EXPECT_TRUE(slots("operator:1").empty());
  // A newcomer takes the free slot; operator 2 keeps its place at the visitor.
  join("operator:3");
  EXPECT_EQ(slots("visitor"), (std::vector<std::string>{"operator:3", "operator:2"}));
  EXPECT_EQ(slots("operator:2"), (std::vector<std::string>{"visitor", "operator:3"}));
}

TEST_F(RoomTest, RejoinGetsSlotsAgain) {
  join("visitor");
  join("operator:1");
  join("operator:2");
  leave("operator:2");
  join("operator:2");
  EXPECT_EQ(slots("visitor"), (std::vector<std::string>{"operator:1", "operator:2"}));
  EXPECT_EQ(slots("operator:2"), (std::vector<std::string>{"visitor", "operator:1"}));
}

TEST_F(RoomTest, EveryOperatorIsItsOwnVoiceInARecording) {
  // Numbers follow the first offers: an operator first, then the visitor, then two more.
  join("operator:1");
  join("visitor");
  join("operator:2");
  leave("operator:2");  // a voice stays with its operator, also after leaving
  join("operator:3");
  record::Participant voices[4];
  thread_.runSync([&] {
    for (std::size_t i = 0; i < 4; ++i) voices[i] = room_->recordedVoice(i);
  });
  EXPECT_EQ(voices[0], record::Participant::Operator);
  EXPECT_EQ(voices[1], record::Participant::Visitor);
  EXPECT_EQ(voices[2], record::operatorVoice(1));
  EXPECT_EQ(voices[3], record::operatorVoice(2));
}

TEST_F(RoomTest, AFifthParticipantIsRefused) {
  for (auto key : {"visitor", "operator:1", "operator:2", "operator:3"}) {
    EXPECT_EQ(join(key).find("full"), std::string::npos) << key;
  }
  EXPECT_NE(join("operator:4").find("the call is full"), std::string::npos);
  EXPECT_TRUE(slots("operator:4").empty());
  EXPECT_EQ(slots("visitor").size(), 3u);
}

TEST_F(RoomTest, ALeftPlaceIsReusedByANewcomer) {
  // F18: invite B, B leaves, invite C, C leaves, invite D: only 3 are ever present at once, so D
  // is admitted (the room held on to every place ever taken and refused D before).
  join("visitor");
  join("operator:1");
  join("operator:2");
  leave("operator:2");
  join("operator:3");
  leave("operator:3");
  EXPECT_EQ(join("operator:4").find("full"), std::string::npos);
  EXPECT_EQ(slots("visitor"), (std::vector<std::string>{"operator:1", "operator:4"}));
  EXPECT_EQ(slots("operator:1"), (std::vector<std::string>{"visitor", "operator:4"}));
  EXPECT_EQ(slots("operator:4"), (std::vector<std::string>{"visitor", "operator:1"}));
  // And again, with the room at its 4 places: a fourth present participant still fits.
  EXPECT_EQ(join("operator:5").find("full"), std::string::npos);
  EXPECT_EQ(slots("visitor"), (std::vector<std::string>{"operator:1", "operator:4", "operator:5"}));
  // Now 4 are present: a fifth is refused even though others have left before.
  EXPECT_NE(join("operator:6").find("the call is full"), std::string::npos);
  EXPECT_TRUE(slots("operator:6").empty());
}

TEST_F(RoomTest, TheVisitorsPlaceIsOnlyTheirs) {
  // An operator never takes over the visitor's place (nor its voice, the recording's first).
  join("visitor");
  join("operator:1");
  join("operator:2");
  join("operator:3");
  leave("visitor");
  EXPECT_NE(join("operator:4").find("full"), std::string::npos);
  EXPECT_EQ(join("visitor").find("full"), std::string::npos);
  EXPECT_EQ(slots("visitor"), (std::vector<std::string>{"operator:1", "operator:2", "operator:3"}));
}

TEST_F(RoomTest, OthersKeepTheirSlotsWhenAPlaceChangesHands) {
  join("visitor");
  join("operator:1");
  join("operator:2");
  join("operator:3");
  leave("operator:1");
  join("operator:4");  // takes operator 1's place and, at each receiver, the slot it freed
  EXPECT_EQ(slots("visitor"), (std::vector<std::string>{"operator:4", "operator:2", "operator:3"}));
  EXPECT_EQ(slots("operator:2"), (std::vector<std::string>{"visitor", "operator:4", "operator:3"}));
  EXPECT_EQ(slots("operator:3"), (std::vector<std::string>{"visitor", "operator:4", "operator:2"}));
  // Operator 1 coming back finds its place taken and the room full.
  EXPECT_NE(join("operator:1").find("full"), std::string::npos);
  leave("operator:2");
  EXPECT_EQ(join("operator:1").find("full"), std::string::npos);
  EXPECT_EQ(slots("visitor"), (std::vector<std::string>{"operator:4", "operator:1", "operator:3"}));
}

TEST_F(RoomTest, ANewcomerInAFreedPlaceContinuesThatPlacesVoice) {
  // Four voices at most in a recording: places keep theirs, so two present operators never
  // share one and a fourth operator over the call's life reuses the voice of one who left.
  join("visitor");
  join("operator:1");
  join("operator:2");
  leave("operator:2");
  join("operator:3");
  leave("operator:3");
  join("operator:4");  // operator 2's place (the first left one)
  join("operator:5");  // operator 3's place
  record::Participant voices[4];
  thread_.runSync([&] {
    for (std::size_t i = 0; i < 4; ++i) voices[i] = room_->recordedVoice(i);
  });
  EXPECT_EQ(voices[0], record::Participant::Visitor);
  EXPECT_EQ(voices[1], record::operatorVoice(0));
  EXPECT_EQ(voices[2], record::operatorVoice(1));
  EXPECT_EQ(voices[3], record::operatorVoice(2));
  EXPECT_EQ(slots("operator:4"), (std::vector<std::string>{"visitor", "operator:1", "operator:5"}));
}

TEST_F(RoomTest, SlotsAreToldOnlyToConnectedLegsOfMultiPartyRooms) {
  // No leg connects here (the offers are unusable), so nobody is told: 1:1 browsers never get
  // call_renegotiate, and a new leg hears its slots once connected (legConnected).
  int told = 0;
  thread_.runSync([&] {
    for (auto key : {"visitor", "operator:1", "operator:2"}) {
      LegEvents events;
      events.rejected = [](const std::string&) {};
      events.slots = [&](const std::vector<std::string>&) { ++told; };
      room_->offer(key, "not sdp", std::move(events));
    }
  });
  EXPECT_EQ(told, 0);
}

}  // namespace
}  // namespace callpy::rtc::call

#pragma once
// The chat side of the realtime gateway: upgrades /ws/visitor and /ws/operator requests into
// sessions on the RealtimeServer, and fans frames out to visitors' tabs and operators' tabs.
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/accounts/account_service.h"
#include "core/accounts/types.h"
#include "core/dialogs/dialog_service.h"
#include "core/sites/site_service.h"
#include "core/visitors/visitor_info_service.h"
#include "realtime/chat_frames.h"
#include "core/ports/first_response_store.h"
#include "realtime/chat_hub.h"
#include "realtime/realtime_server.h"
#include "realtime/reoffer_timer.h"
#include "realtime/worker_pool.h"

namespace callpy::core::files {
class FileService;
}

namespace callpy::realtime {

class CallGateway;

struct ChatGatewayOptions {
  std::string publicOrigin;  // scheme://host[:port] of the panel, for the operator Origin check
  std::string panelUrl;      // public URL of the panel SPA (…/app), for links in e-mails
  unsigned workers = 8;      // threads for blocking work behind frames
  // First-response re-offers (issue 4 §4); null: no timer (tests of other parts).
  core::ports::FirstResponseStore* firstResponses = nullptr;
  std::function<std::int64_t()> clock;  // Unix seconds; empty: the system clock
};

class ChatGateway {
 public:
  ChatGateway(RealtimeServer& server, core::dialogs::DialogService& dialogs,
              core::sites::SiteService& sites, core::accounts::AccountService& accounts,
              ChatGatewayOptions options);

  // Answer an upgrade request (HTTP layer). Both answer the HTTP error themselves when refused.
  void upgradeVisitor(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp,
                      const std::string& widgetKey);
  void upgradeOperator(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp,
                       const core::accounts::Principal& principal);

  // Assigns a newly opened dialog (core/routing: department, least-loaded online operator) and
  // tells the site's operators. Leaves it unassigned when nobody is online.
  core::dialogs::Dialog routeNewDialog(const core::dialogs::Dialog& d);
  // The site's chat settings for the visitor's welcome (typing_preview, departments for the
  // pre-chat choice); returns whether the typing preview is on, which the session enforces.
  bool addChatSettings(const std::string& siteId, frames::Json siteObject);
  // An operator takes a re-offered dialog (`take` frame): it becomes the assignee. Conflict when
  // the offer is over (someone else took it, or it was answered).
  core::dialogs::Dialog take(const core::accounts::Principal& by, std::int64_t dialogId);
  // The offers still open on these sites, to one operator tab that just connected.
  void sendOffers(ConnectionId c, const std::vector<std::string>& sites);
  // Timer callback (worker pool): re-offers the due dialogs that are still unanswered.
  void reofferDue(const std::vector<std::int64_t>& dialogIds);
  ReofferTimer* reoffers() { return reoffers_.get(); }

  // Sends the dialog's messages after `afterSeq` in order, then `resumed` with the last seq.
  void resume(ConnectionId c, const core::dialogs::Actor& a, std::int64_t dialogId,
              std::int64_t afterSeq);
  // `team` frames (the site's operators and who is online) to the site's operator tabs, or to
  // one tab only when `only` is set.
  void announceTeam(const std::vector<std::string>& sites, ConnectionId only = 0);
  // Hands the dialog to another operator of its site and tells everyone in it.
  core::dialogs::Dialog transfer(const core::accounts::Principal& by, std::int64_t dialogId,
                                 std::int64_t toUser);
  // Dialog controls (chat_controls.cpp), shared by operator frames and REST. Each tells every
  // operator of the site (and the visitor where it concerns them) what changed.
  core::dialogs::Visitor renameVisitor(const core::accounts::Principal& by, std::int64_t visitorId,
                                       const std::string& name);
  core::dialogs::Visitor blockVisitor(const core::accounts::Principal& by, std::int64_t visitorId,
                                      bool blocked);
  core::dialogs::Dialog invite(const core::accounts::Principal& by, std::int64_t dialogId,
                               std::int64_t user);
  core::dialogs::Dialog transferToDepartment(const core::accounts::Principal& by,
                                             std::int64_t dialogId, std::int64_t departmentId);
  std::string emailTranscript(const core::accounts::Principal& by, std::int64_t dialogId,
                              const std::string& to);
  // A `dialog` frame with the dialog's participants (group dialogs).
  frames::Json dialogFrame(const core::dialogs::Dialog& d);
  // Tells a dialog's operators and visitor tabs that it was closed (also from REST).
  void dialogClosed(const core::dialogs::Dialog& d);
  // Closes the user's operator tabs (disabled, or roles changed): they reconnect and are
  // authorised again with the memberships they have now.
  void disconnectUser(std::int64_t userId);

  // Runs the frames already queued on the workers, then stops them (after RealtimeServer::stop).
  void shutdown();

  // Used by the sessions.
  RealtimeServer& server() { return server_; }
  ChatHub& hub() { return hub_; }
  WorkerPool& pool() { return *pool_; }
  const std::string& panelUrl() const { return options_.panelUrl; }
  const std::string& publicOrigin() const { return options_.publicOrigin; }
  core::dialogs::DialogService& dialogs() { return dialogs_; }
  core::sites::SiteService& sites() { return sites_; }
  // Pages visited and location (F4, F12); null when not wired (tests of other parts).
  core::visitors::VisitorInfoService* visitorInfo() { return visitorInfo_; }
  void setVisitorInfo(core::visitors::VisitorInfoService* info) { visitorInfo_ = info; }
  // F16: uploads that msg frames may carry; null when not wired (file messages are refused).
  core::files::FileService* files() { return files_; }
  void setFiles(core::files::FileService* files) { files_ = files; }
  // Calls (F18–F20); null when the media path is not wired (call frames are refused).
  CallGateway* calls() { return calls_; }
  void setCalls(CallGateway* calls) { calls_ = calls; }
  // The site's language ("ru" or "en"), for system messages.
  std::string siteLanguage(const std::string& siteId);
  // F6: the current avatar of a message's operator author (nullopt for other authors, no
  // avatar, or files not wired); cached per user (operator_avatars.cpp).
  // Display names of the site's operators by user id, for frames rebuilt from storage (resume).
  std::map<std::int64_t, std::string> operatorNames(const std::string& siteId);
  std::optional<std::int64_t> authorAvatar(const core::dialogs::Message& m);
  std::optional<std::int64_t> operatorAvatar(std::int64_t userId);

  void sendTo(ConnectionId c, const frames::Json& frame);
  void sendTo(const std::vector<ConnectionId>& tabs, const frames::Json& frame);
  // A message of a dialog: every tab of its visitor and every operator tab of its site.
  void toDialog(const std::string& siteId, std::int64_t visitorId, const frames::Json& frame);
  // The completion of a posted message (visitor or operator): `ack` to the sender's socket once
  // durable, then the `msg` frame to every participant unless it was a duplicate cid; an `err`
  // frame when it failed. Runs on a storage thread, so it only queues frames.
  core::dialogs::DialogService::PostDone ackAndFanOut(ConnectionId sender, std::string siteId,
                                                      std::int64_t visitorId, std::string cid,
                                                      std::string authorName,
                                                      std::optional<std::int64_t> avatar);
  void toOperators(const std::string& siteId, const frames::Json& frame);
  // `status` frames with the current operators_online to the visitors of these sites.
  void announceStatus(const std::vector<std::string>& sites);
  frames::Json statusFrame(const std::string& siteId);
  static frames::Json visitorFrame(const VisitorView& v);

 private:
  RealtimeServer& server_;
  core::dialogs::DialogService& dialogs_;
  core::sites::SiteService& sites_;
  core::accounts::AccountService& accounts_;
  ChatGatewayOptions options_;
  ChatHub hub_;
  std::unique_ptr<WorkerPool> pool_;
  core::visitors::VisitorInfoService* visitorInfo_ = nullptr;
  core::files::FileService* files_ = nullptr;
  CallGateway* calls_ = nullptr;

  void startReoffers();
  std::int64_t now() const;
  std::unique_ptr<ReofferTimer> reoffers_;
  std::mutex offersMutex_;
  std::map<std::int64_t, std::string> offered_;  // open offers: dialog id → site id
};

}  // namespace callpy::realtime

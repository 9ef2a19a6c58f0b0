#pragma once
// The chat side of the realtime gateway: upgrades /ws/visitor and /ws/operator requests into
// sessions on the RealtimeServer, and fans frames out to visitors' tabs and operators' tabs.
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/accounts/account_service.h"
#include "core/accounts/types.h"
#include "core/dialogs/dialog_service.h"
#include "core/sites/site_service.h"
#include "realtime/chat_frames.h"
#include "realtime/chat_hub.h"
#include "realtime/realtime_server.h"
#include "realtime/worker_pool.h"

namespace callpy::realtime {

struct ChatGatewayOptions {
  std::string publicOrigin;  // scheme://host[:port] of the panel, for the operator Origin check
  std::string panelUrl;      // public URL of the panel SPA (…/app), for links in e-mails
  unsigned workers = 8;      // threads for blocking work behind frames
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
  // Sends the dialog's messages after `afterSeq` in order, then `resumed` with the last seq.
  void resume(ConnectionId c, const core::dialogs::Actor& a, std::int64_t dialogId,
              std::int64_t afterSeq);
  // `team` frames (the site's operators and who is online) to the site's operator tabs, or to
  // one tab only when `only` is set.
  void announceTeam(const std::vector<std::string>& sites, ConnectionId only = 0);
  // Hands the dialog to another operator of its site and tells everyone in it.
  core::dialogs::Dialog transfer(const core::accounts::Principal& by, std::int64_t dialogId,
                                 std::int64_t toUser);
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
  core::dialogs::DialogService& dialogs() { return dialogs_; }
  core::sites::SiteService& sites() { return sites_; }

  void sendTo(ConnectionId c, const frames::Json& frame);
  void sendTo(const std::vector<ConnectionId>& tabs, const frames::Json& frame);
  // A message of a dialog: every tab of its visitor and every operator tab of its site.
  void toDialog(const std::string& siteId, std::int64_t visitorId, const frames::Json& frame);
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
};

}  // namespace callpy::realtime

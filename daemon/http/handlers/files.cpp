// Files (F16) and avatars (F6). Uploads are raw request bodies streamed to a temp file (the
// JSON body limit does not apply; limits.max_upload_bytes does, while reading); the upload's id
// is then posted into a dialog with a msg frame ({"t":"msg","cid":…,"file":ID}) so the ack and
// cid idempotency stay those of text messages.
//
// The widget runs on the customer's pages (another origin): its routes answer CORS only for the
// site's registered origins, and authenticate the visitor by the token in X-Callpy-Visitor, so
// no cookie is involved. Panel routes use the session cookie and CSRF header like the rest.
#include <Poco/NumberParser.h>
#include <Poco/StreamCopier.h>

#include <fstream>

#include "core/files/file_service.h"
#include "http/api.h"
#include "http/exchange.h"
#include "http/handlers/render.h"
#include "realtime/chat_frames.h"

namespace callpy::http {

using core::Error;
using core::ErrorCode;
using core::files::FileRecord;

namespace {

constexpr const char* kVisitorHeader = "X-Callpy-Visitor";

std::int64_t idParam(Exchange& ex, const std::string& name) {
  Poco::Int64 v = 0;
  if (!Poco::NumberParser::tryParse64(ex.param(name), v) || v <= 0) {
    throw core::notFound("no such file");
  }
  return v;
}

std::optional<std::int64_t> declaredSize(Exchange& ex) {
  auto& req = ex.request();
  if (req.getChunkedTransferEncoding()) return std::nullopt;
  return req.hasContentLength() ? req.getContentLength64() : 0;
}

// The request body as the service reads it: empty when the request has none (POCO would
// otherwise wait for the client to close).
FileRecord receive(Exchange& ex, const std::function<FileRecord(std::istream&, std::optional<std::int64_t>)>& store) {
  auto size = declaredSize(ex);
  std::istringstream empty;
  std::istream& in = (size && *size == 0) ? static_cast<std::istream&>(empty) : ex.request().stream();
  auto f = store(in, size);
  ex.markBodyConsumed();
  return f;
}

JsonObject fileJson(const FileRecord& f) { return realtime::frames::file(f.ref()); }

// RFC 6266 / 5987: an ASCII fallback plus the exact UTF-8 name, percent-encoded.
std::string contentDisposition(const std::string& type, const std::string& name) {
  std::string ascii;
  std::string encoded;
  static const char* hex = "0123456789ABCDEF";
  for (unsigned char c : name) {
    const bool attrChar = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                          (c >= '0' && c <= '9') || std::string_view("!#$&+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
    if (attrChar || c == ' ') ascii += static_cast<char>(c);
    else if ((c & 0xC0) != 0x80) ascii += '_';  // one per character, not per UTF-8 byte
    if (attrChar) {
      encoded += static_cast<char>(c);
    } else {
      encoded += '%';
      encoded += hex[c >> 4];
      encoded += hex[c & 15];
    }
  }
  return type + "; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
}

void serve(Exchange& ex, core::files::FileService& files, const FileRecord& f, bool publicCache) {
  std::ifstream in(files.pathOf(f), std::ios::binary);
  if (!in) throw Error(ErrorCode::Internal, "the stored file is missing");
  auto& resp = ex.response();
  const bool image = f.mime.rfind("image/", 0) == 0 && f.mime != "image/vnd.adobe.photoshop";
  resp.setStatus(Poco::Net::HTTPResponse::HTTP_OK);
  resp.setContentType(f.mime);
  resp.setContentLength64(f.size);
  resp.set("Content-Disposition", contentDisposition(image ? "inline" : "attachment", f.name));
  resp.set("X-Content-Type-Options", "nosniff");
  // Even if a browser rendered the bytes as a document, they could run nothing and load nothing.
  resp.set("Content-Security-Policy", "default-src 'none'; img-src 'self'; sandbox");
  // Stored bytes never change (named by content): cache them; private unless public avatars.
  resp.set("Cache-Control", publicCache ? "public, max-age=31536000, immutable"
                                        : "private, max-age=86400");
  ex.markBodyConsumed();
  auto& out = resp.send();
  if (ex.method() != "HEAD") Poco::StreamCopier::copyStream(in, out, 64 * 1024);
}

// --- the widget side -------------------------------------------------------------------------

struct WidgetCaller {
  core::sites::Site site;
  std::string origin;  // "" when the request had none (non-browser clients)
};

// The site of ?key=, with the request's Origin checked against its origins like /ws/visitor.
WidgetCaller widgetSite(Exchange& ex, ApiContext& ctx) {
  auto site = ctx.sites.siteByWidgetKey(ex.query("key"));
  if (!site) throw core::notFound("unknown widget key");
  WidgetCaller c{*site, ex.request().get("Origin", "")};
  if (ex.request().has("Origin")) {
    bool allowed = false;
    for (const auto& o : site->origins) allowed = allowed || o == c.origin;
    if (!allowed) throw core::forbidden("this page's origin may not use the site's widget");
    ex.response().set("Access-Control-Allow-Origin", c.origin);
    ex.response().set("Vary", "Origin");
    ex.response().set("Access-Control-Expose-Headers", "Content-Disposition");
  }
  return c;
}

core::dialogs::VisitorRef widgetVisitor(Exchange& ex, ApiContext& ctx, const WidgetCaller& c) {
  auto token = ex.request().get(kVisitorHeader, "");
  auto v = token.empty() ? std::nullopt : ctx.dialogs->authenticateVisitor(c.site.id, token);
  if (!v) throw Error(ErrorCode::Unauthorized, "unknown visitor (send the widget's token)");
  if (v->blockedAt) throw core::forbidden("this visitor is blocked");
  return {v->id, c.site.id};
}

void preflight(Exchange& ex, ApiContext& ctx, const std::string& methods) {
  widgetSite(ex, ctx);
  auto& resp = ex.response();
  resp.set("Access-Control-Allow-Methods", methods);
  resp.set("Access-Control-Allow-Headers", std::string(kVisitorHeader) + ", Content-Type");
  resp.set("Access-Control-Max-Age", "600");
  ex.sendText(204, "text/plain", "");
}

}  // namespace

void registerFileRoutes(Router& r, ApiContext& ctx) {
  if (!ctx.files || !ctx.dialogs) return;
  auto& files = *ctx.files;

  const std::string w = "/api/widget/files";
  r.add("OPTIONS", w, Access::Public, [&ctx](Exchange& ex) { preflight(ex, ctx, "POST"); });
  r.add("OPTIONS", w + "/{id}", Access::Public, [&ctx](Exchange& ex) { preflight(ex, ctx, "GET"); });
  r.add("POST", w, Access::Public, [&ctx, &files](Exchange& ex) {
    auto caller = widgetSite(ex, ctx);
    auto visitor = widgetVisitor(ex, ctx, caller);
    auto name = ex.query("name");
    auto f = receive(ex, [&](std::istream& in, std::optional<std::int64_t> size) {
      return files.upload(visitor, caller.site.id, name, in, size);
    });
    ex.sendJson(201, wrap("file", fileJson(f)));
  });
  r.add("GET", w + "/{id}", Access::Public, [&ctx, &files](Exchange& ex) {
    auto caller = widgetSite(ex, ctx);
    auto visitor = widgetVisitor(ex, ctx, caller);
    serve(ex, files, files.forDownload(visitor, idParam(ex, "id")), false);
  });

  const std::string p = "/api/panel/files";
  r.add("POST", p, Access::Session, [&ctx, &files](Exchange& ex) {
    Poco::Int64 dialogId = 0;
    if (!Poco::NumberParser::tryParse64(ex.query("dialog"), dialogId) || dialogId <= 0) {
      throw core::invalid("dialog must be the id of a dialog", "dialog");
    }
    // Uploads go to a dialog the operator may see (its site's membership is checked there).
    auto d = ctx.dialogs->dialog(ex.principal, dialogId);
    auto name = ex.query("name");
    auto f = receive(ex, [&](std::istream& in, std::optional<std::int64_t> size) {
      return files.upload(ex.principal, d.siteId, name, in, size);
    });
    ex.sendJson(201, wrap("file", fileJson(f)));
  });
  r.add("GET", p + "/{id}", Access::Session, [&files](Exchange& ex) {
    serve(ex, files, files.forDownload(ex.principal, idParam(ex, "id")), false);
  });

  // F6: avatars. The public URL names the file, so a new avatar is a new URL (cached forever).
  r.add("GET", "/api/panel/profile/avatar", Access::Session, [&files](Exchange& ex) {
    if (!ex.principal.user) throw core::notFound("no avatar");
    auto id = files.avatarOf(ex.principal.user->id);
    ex.sendJson(200, wrap("avatar", id ? Poco::Dynamic::Var(avatarUrl(*id)) : Poco::Dynamic::Var()));
  });
  r.add("POST", "/api/panel/profile/avatar", Access::Session, [&files](Exchange& ex) {
    auto name = ex.query("name");
    auto f = receive(ex, [&](std::istream& in, std::optional<std::int64_t> size) {
      return files.setAvatar(ex.principal, name, in, size);
    });
    ex.sendJson(200, wrap("avatar", avatarUrl(f.id)));
  });
  r.add("DELETE", "/api/panel/profile/avatar", Access::Session, [&files](Exchange& ex) {
    files.removeAvatar(ex.principal);
    ex.sendJson(200, wrap("avatar", Poco::Dynamic::Var()));
  });
  r.add("GET", "/api/avatars/{id}", Access::Public, [&files](Exchange& ex) {
    // Shown on customers' pages as <img>: allow that embedding explicitly.
    ex.response().set("Cross-Origin-Resource-Policy", "cross-origin");
    serve(ex, files, files.avatar(idParam(ex, "id")), true);
  });
}

std::string avatarUrl(std::int64_t fileId) { return core::files::avatarPath(fileId); }

}  // namespace callpy::http

#pragma once
// Streaming an admin-API answer into a file (backups are too large to hold in memory the way
// AdminClient::raw does).
#include <string>

#include "client/admin_client.h"

namespace callpy::cli {

// POSTs to `path` (under /api/admin/v1) and writes a 2xx body to the open file descriptor `fd`.
// Returns the Response (body parsed when the daemon answered with a JSON error instead).
// Throws Unreachable when the socket cannot be reached; a transfer cut short is reported as
// `transferError` (the partial file may still say why, see readArchive's ERROR entry).
Response downloadTo(const AdminClient& client, const std::string& path, int fd,
                    std::string& transferError);

}  // namespace callpy::cli

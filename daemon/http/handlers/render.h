#pragma once
// Domain objects → API JSON (shapes documented in http/api.md).
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include "core/accounts/types.h"
#include "core/sites/site_service.h"

namespace callpy::http {

using JsonObject = Poco::JSON::Object::Ptr;
JsonObject object();
JsonObject wrap(const std::string& key, const Poco::Dynamic::Var& value);

JsonObject renderUser(const core::accounts::User& u);
JsonObject renderOperator(const core::accounts::OperatorEntry& o);
JsonObject renderSite(const core::sites::SiteView& v);
JsonObject renderDepartment(const core::sites::Department& d);
JsonObject renderHours(const core::sites::HoursView& h);
// Reads the "hours" object of a PUT body; throws Error(invalid, field) on bad input.
core::sites::WorkingHours parseHours(const JsonObject& o);

}  // namespace callpy::http

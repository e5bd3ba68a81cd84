// Look-ups for the admin UI's forms, answered from the server's own data so
// the UI applies the server's rules instead of copies of them:
//   GET /api/v1/time-zones   {"items":[{"zone","country","comment"}]}: every
//       zone of the system's tzdata (zone.tab) with its ISO 3166 country,
//       and "UTC" (country ""), for the picker grouped by country.
//   GET /api/v1/phone-check?phone=...   {"valid":true,"phone","formatted",
//       "region"} for a number links accept (core/phone.h, libphonenumber),
//       else {"valid":false,"error":{"code","message","field"}}: the
//       link form's live feedback, by the same rule as saving.
//
// Thread-safety: safe for concurrent use (the zone list is read once).
#pragma once

#include "http/message.h"

namespace sequencial::api {

void handle_time_zones(const http::HttpRequest& request, http::HttpResponse& response);
void handle_phone_check(const http::HttpRequest& request, http::HttpResponse& response);

}  // namespace sequencial::api

// The security headers of every admin UI page and admin API response: a
// strict Content-Security-Policy (no inline scripts or styles, nothing from
// other origins, no framing), nosniff, same-origin referrers, no frames.
#pragma once

#include <string_view>

#include "http/message.h"

namespace sequencial::ui {

inline constexpr std::string_view kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

void add_security_headers(http::HttpResponse& response);

}  // namespace sequencial::ui

// Security headers of the admin UI and API.
#include "ui/security_headers.h"

namespace sequencial::ui {

void add_security_headers(http::HttpResponse& response) {
  response.add_header("Content-Security-Policy", kContentSecurityPolicy);
  response.add_header("X-Content-Type-Options", "nosniff");
  response.add_header("Referrer-Policy", "same-origin");
  response.add_header("X-Frame-Options", "DENY");
}

}  // namespace sequencial::ui

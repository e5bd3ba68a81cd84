// The OpenAPI 3.0 document of the admin API, served at /api/v1/openapi.json
// (no authentication). It must describe exactly what admin_api.cpp does.
#pragma once

#include <string_view>

namespace sequencial::api {

[[nodiscard]] std::string_view openapi_document();

}  // namespace sequencial::api

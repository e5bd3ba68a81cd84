// The OpenAPI document, kept beside the handlers it describes.
#include "api/openapi.h"

namespace sequencial::api {

std::string_view openapi_document() {
  static constexpr std::string_view kDocument = R"JSON({
  "openapi": "3.0.3",
  "info": {"title": "Sequencial admin API", "version": "1",
           "description": "Links, centrals (modos Sequencial, Seletivo and Geolocalizado), business hours, reports, and the admin UI's accounts (session, users, tokens, settings). Every error answers {\"error\":{\"code\",\"message\",\"field\"}}. Authenticate with a bearer token, or with the session cookie sqs set by POST /session; with the cookie, every POST, PUT, PATCH and DELETE must send the session's csrf_token in the X-CSRF-Token header (else 403 code csrf). With several nodes on PostgreSQL, any call that needs the database answers 503 with code unavailable (and Retry-After) while it is unreachable; redirects keep working."},
  "servers": [{"url": "/api/v1"}],
  "security": [{"bearer": []}, {"session": [], "csrf": []}],
  "components": {
    "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "description": "A token printed by `sequencial token create` or made with POST /tokens."},
                        "session": {"type": "apiKey", "in": "cookie", "name": "sqs", "description": "Set by POST /session (HttpOnly, SameSite=Strict, Secure with an https public URL); lasts 7 days."},
                        "csrf": {"type": "apiKey", "in": "header", "name": "X-CSRF-Token", "description": "The csrf_token of the session; needed with the cookie on POST, PUT, PATCH and DELETE."}},
    "schemas": {
      "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "object", "required": ["code", "message"], "properties": {
        "code": {"type": "string", "enum": ["invalid", "unauthorized", "forbidden", "not_found", "conflict", "too_large", "unprocessable", "unavailable", "internal", "bad_request", "csrf", "invalid_credentials", "rate_limited"]},
        "message": {"type": "string"}, "field": {"type": "string"}}}}},
      "Link": {"type": "object", "properties": {
        "id": {"type": "integer"}, "slug": {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,64}$"},
        "phone": {"type": "string", "description": "E.164 digits, 8-15"}, "message": {"type": "string", "maxLength": 1000},
        "label": {"type": "string", "maxLength": 200}, "active": {"type": "boolean"},
        "preview_title": {"type": "string"}, "preview_description": {"type": "string"}, "preview_image": {"type": "string"},
        "created_at": {"type": "string", "format": "date-time"}, "url": {"type": "string"}}},
      "LinkInput": {"type": "object", "properties": {
        "slug": {"type": "string"}, "phone": {"type": "string", "description": "digits with country code; spaces, ( ) - . and a leading + accepted"},
        "message": {"type": "string"}, "label": {"type": "string"}, "active": {"type": "boolean"},
        "preview_title": {"type": "string"}, "preview_description": {"type": "string"}, "preview_image": {"type": "string"}}},
      "Ranges": {"type": "array", "items": {"type": "array", "minItems": 2, "maxItems": 2, "items": {"type": "string", "pattern": "^[0-9]{2}:[0-9]{2}$"}}, "maxItems": 8},
      "Hours": {"type": "object", "properties": {
        "tz": {"type": "string", "description": "IANA time zone; defaults to the server's default zone"},
        "week": {"type": "object", "description": "sun..sat -> ranges; a weekday left out is closed; an end earlier than the start crosses midnight",
                 "properties": {"sun": {"$ref": "#/components/schemas/Ranges"}, "mon": {"$ref": "#/components/schemas/Ranges"}, "tue": {"$ref": "#/components/schemas/Ranges"}, "wed": {"$ref": "#/components/schemas/Ranges"}, "thu": {"$ref": "#/components/schemas/Ranges"}, "fri": {"$ref": "#/components/schemas/Ranges"}, "sat": {"$ref": "#/components/schemas/Ranges"}}},
        "exceptions": {"type": "array", "items": {"type": "object", "required": ["date"], "properties": {"date": {"type": "string", "format": "date"}, "ranges": {"$ref": "#/components/schemas/Ranges"}}}}}},
      "Member": {"type": "object", "properties": {
        "link": {"type": "string"}, "weight": {"type": "integer", "minimum": 1, "maximum": 100},
        "hours": {"nullable": true, "allOf": [{"$ref": "#/components/schemas/Hours"}]},
        "open_now": {"type": "boolean"}, "next_change": {"type": "string", "format": "date-time", "nullable": true},
        "title": {"type": "string", "description": "Seletivo: the entry's title (empty: the link's label, else its slug)"},
        "description": {"type": "string", "description": "Seletivo: the entry's description"},
        "photo_url": {"type": "string", "description": "Seletivo: the entry's photo (empty: an avatar with the title's initials)"},
        "regions": {"type": "array", "items": {"$ref": "#/components/schemas/Region"}, "description": "Geolocalizado: the regions the member serves"}}},
      "Region": {"type": "string", "example": "BR-SP/Campinas", "description": "A country (BR), an ISO 3166-2 subdivision (BR-SP) or a city (BR-SP/Campinas or BR/Campinas; the GeoIP file's English name, case and accents ignored). Stored normalised: codes upper-cased."},
      "Central": {"type": "object", "properties": {
        "id": {"type": "integer"}, "anchor": {"type": "string"},
        "mode": {"type": "string", "enum": ["sequencial", "seletivo", "geo"]},
        "title": {"type": "string"}, "shuffle": {"type": "boolean"}, "fixed": {"type": "boolean"},
        "when_closed": {"type": "string", "enum": ["anchor", "page", "ignore_hours"]},
        "members": {"type": "array", "items": {"$ref": "#/components/schemas/Member"}},
        "created_at": {"type": "string", "format": "date-time"}, "url": {"type": "string"}}},
      "CentralInput": {"type": "object", "properties": {
        "anchor": {"oneOf": [{"type": "string"}, {"type": "integer"}], "description": "required on create; cannot change"},
        "members": {"type": "array", "minItems": 1, "items": {"oneOf": [{"type": "string"}, {"type": "integer"},
          {"type": "object", "required": ["link"], "properties": {"link": {"oneOf": [{"type": "string"}, {"type": "integer"}]}, "weight": {"type": "integer", "minimum": 1, "maximum": 100},
            "title": {"type": "string", "maxLength": 200}, "description": {"type": "string", "maxLength": 500},
            "photo_url": {"type": "string", "description": "an absolute http(s) URL"},
            "regions": {"type": "array", "maxItems": 100, "items": {"$ref": "#/components/schemas/Region"}, "description": "required (at least one) in mode geo; a malformed one is a 400 naming members[i].regions[j]"}}}]},
          "description": "a member that anchors another central nests it (a cycle is refused with 409)"},
        "mode": {"type": "string", "enum": ["sequencial", "seletivo", "geo"], "default": "sequencial",
                 "description": "sequencial: rotation; seletivo: GET /{anchor} shows a chooser page of the members open now, each entry linking to <public-url>/<member>?via=<anchor>; geo: the member serving the client's region (GeoIP, --geoip-db), else the anchor"},
        "title": {"type": "string", "maxLength": 200, "description": "Seletivo: the chooser's heading (empty: \"Com quem você quer falar?\")"},
        "shuffle": {"type": "boolean", "default": false, "description": "Seletivo: entries in random order on each view"},
        "fixed": {"type": "boolean", "default": false},
        "when_closed": {"type": "string", "enum": ["anchor", "page", "ignore_hours"], "default": "anchor"}}},
      "User": {"type": "object", "properties": {"id": {"type": "integer"}, "email": {"type": "string"}, "created_at": {"type": "string", "format": "date-time"}}},
      "Session": {"type": "object", "properties": {"user": {"$ref": "#/components/schemas/User"}, "csrf_token": {"type": "string", "description": "send as X-CSRF-Token on every write made with the cookie"}}},
      "Token": {"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"}, "created_at": {"type": "string", "format": "date-time"}}},
      "Settings": {"type": "object", "properties": {
        "default_tz": {"type": "string", "description": "IANA zone of reports and of hours given without tz"},
        "public_url": {"type": "string", "description": "absolute http(s) base URL of link URLs and QR codes"},
        "shop_name": {"type": "string", "description": "the shop's public name: closed page, the page at /, preview title fallback (at most 100 characters)"},
        "home_url": {"type": "string", "description": "where / redirects (the shop's site); empty: a neutral page"},
        "week_start": {"type": "string", "enum": ["mon", "sun"], "description": "first day of the week of the closed page and the admin (default mon)"}}},
      "ServerSetting": {"type": "object", "properties": {
        "value": {"type": "string", "description": "the server's own value (flag, environment, config file or default)"},
        "source": {"type": "string", "enum": ["flag", "environment", "file", "default"]},
        "saved": {"type": "boolean", "description": "a value saved from the admin UI is in effect instead"},
        "overridden": {"type": "boolean", "description": "the saved value differs from the server's own"}}},
      "SettingsInEffect": {"allOf": [{"$ref": "#/components/schemas/Settings"}, {"type": "object", "properties": {
        "server": {"type": "object", "properties": {
          "default_tz": {"$ref": "#/components/schemas/ServerSetting"},
          "public_url": {"$ref": "#/components/schemas/ServerSetting"}}}}}]}
    },
    "responses": {
      "Stats": {"description": "a report (JSON, or text/csv with a header row \"<by>,clicks\" when format=csv)", "content": {
        "application/json": {"schema": {"type": "object", "properties": {
          "total": {"type": "integer"}, "previews": {"type": "integer"}, "views": {"type": "integer", "description": "Seletivo chooser page views (not clicks)"}, "new_visitors": {"type": "integer"}, "returning_visitors": {"type": "integer"},
          "by": {"type": "string"}, "tz": {"type": "string"}, "from": {"type": "string", "nullable": true}, "to": {"type": "string", "nullable": true},
          "rows": {"type": "array", "items": {"type": "object", "properties": {"key": {"type": "string"}, "clicks": {"type": "integer"}}}}}}},
        "text/csv": {"schema": {"type": "string"}}}},
      "Error": {"description": "error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
      "Link": {"description": "a link", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Link"}}}},
      "Central": {"description": "a central", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Central"}}}},
      "Session": {"description": "the logged-in user and the session's CSRF token", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Session"}}}},
      "User": {"description": "a user", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/User"}}}},
      "Settings": {"description": "the settings in effect, and per key the server's own value and whether a saved value overrides it", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SettingsInEffect"}}}}
    },
    "parameters": {
      "id": {"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}},
      "link": {"name": "id", "in": "path", "required": true, "schema": {"oneOf": [{"type": "integer"}, {"type": "string"}]}, "description": "link id or slug"},
      "from": {"name": "from", "in": "query", "schema": {"type": "string", "format": "date"}, "description": "first local date (inclusive); omitted = all time"},
      "to": {"name": "to", "in": "query", "schema": {"type": "string", "format": "date"}, "description": "last local date (inclusive)"},
      "tz": {"name": "tz", "in": "query", "schema": {"type": "string"}, "description": "zone of from/to and of day/hour keys; default the server's default zone"},
      "by": {"name": "by", "in": "query", "schema": {"type": "string", "default": "day", "enum": ["attendant", "day", "hour", "device", "browser", "referrer", "utm_source", "utm_medium", "utm_campaign", "source", "outcome", "country", "region", "city"]},
             "description": "country, region, city: keys BR, BR-SP, BR-SP/Campinas from the GeoIP file, (unknown) without one; a Seletivo's attendant rows are the entries chosen"},
      "format": {"name": "format", "in": "query", "schema": {"type": "string", "enum": ["json", "csv"], "default": "json"}},
      "sep": {"name": "sep", "in": "query", "schema": {"type": "string", "enum": ["comma", "semicolon", ",", ";"], "default": "comma"}, "description": "CSV separator (Excel in pt-BR expects semicolon)"},
      "bom": {"name": "bom", "in": "query", "schema": {"type": "string", "enum": ["0", "1"], "default": "0"}, "description": "1: the CSV starts with a UTF-8 byte order mark"},
      "lang": {"name": "lang", "in": "query", "schema": {"type": "string", "enum": ["pt-BR", "en"]}, "description": "CSV headers in this language and a name column beside each link slug; omitted: the API's own headers and columns"},
      "slug": {"name": "slug", "in": "path", "required": true, "schema": {"type": "string"}, "description": "member link slug or id"}
    }
  },
  "paths": {
    "/links": {
      "get": {"summary": "List links", "responses": {"200": {"description": "links", "content": {"application/json": {"schema": {"type": "object", "properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/Link"}}}}}}}, "401": {"$ref": "#/components/responses/Error"}}},
      "post": {"summary": "Create a link", "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/LinkInput"}}}},
               "responses": {"201": {"$ref": "#/components/responses/Link"}, "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"}, "409": {"$ref": "#/components/responses/Error"}, "413": {"$ref": "#/components/responses/Error"}}}
    },
    "/links/{id}": {
      "parameters": [{"$ref": "#/components/parameters/link"}],
      "get": {"summary": "Read a link", "responses": {"200": {"$ref": "#/components/responses/Link"}, "404": {"$ref": "#/components/responses/Error"}}},
      "patch": {"summary": "Change any of slug, phone, message, label, active, preview fields", "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/LinkInput"}}}},
                "responses": {"200": {"$ref": "#/components/responses/Link"}, "400": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}, "409": {"$ref": "#/components/responses/Error"}}},
      "delete": {"summary": "Delete a link (removed from the centrals it is a member of)", "responses": {"204": {"description": "deleted"}, "404": {"$ref": "#/components/responses/Error"}, "409": {"description": "the link is a central's anchor", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}}
    },
    "/links/{id}/stats": {
      "parameters": [{"$ref": "#/components/parameters/link"}],
      "get": {"summary": "Report of every click the link served, directly or through a central", "parameters": [{"$ref": "#/components/parameters/from"}, {"$ref": "#/components/parameters/to"}, {"$ref": "#/components/parameters/tz"}, {"$ref": "#/components/parameters/by"}, {"$ref": "#/components/parameters/format"}, {"$ref": "#/components/parameters/sep"}, {"$ref": "#/components/parameters/bom"}, {"$ref": "#/components/parameters/lang"}],
              "responses": {"200": {"$ref": "#/components/responses/Stats"}, "400": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}}},
      "delete": {"summary": "Reset the link's statistics", "responses": {"204": {"description": "reset"}, "404": {"$ref": "#/components/responses/Error"}}}
    },
    "/links/{id}/clicks": {
      "parameters": [{"$ref": "#/components/parameters/link"}],
      "get": {"summary": "Raw clicks served by or entering through the link, as CSV (kept --click-retention-days)", "parameters": [{"$ref": "#/components/parameters/from"}, {"$ref": "#/components/parameters/to"}, {"$ref": "#/components/parameters/tz"}, {"$ref": "#/components/parameters/sep"}, {"$ref": "#/components/parameters/bom"}, {"$ref": "#/components/parameters/lang"}],
              "responses": {"200": {"description": "CSV", "content": {"text/csv": {"schema": {"type": "string"}}}}, "404": {"$ref": "#/components/responses/Error"}}}
    },
    "/centrals": {
      "get": {"summary": "List centrals", "responses": {"200": {"description": "centrals", "content": {"application/json": {"schema": {"type": "object", "properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/Central"}}}}}}}}},
      "post": {"summary": "Create a central", "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CentralInput"}}}},
               "responses": {"201": {"$ref": "#/components/responses/Central"}, "400": {"$ref": "#/components/responses/Error"}, "409": {"$ref": "#/components/responses/Error"}, "422": {"$ref": "#/components/responses/Error"}}}
    },
    "/centrals/{id}": {
      "parameters": [{"$ref": "#/components/parameters/id"}],
      "get": {"summary": "Read a central", "responses": {"200": {"$ref": "#/components/responses/Central"}, "404": {"$ref": "#/components/responses/Error"}}},
      "patch": {"summary": "Change any of members, mode, title, shuffle, fixed, when_closed", "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CentralInput"}}}},
                "responses": {"200": {"$ref": "#/components/responses/Central"}, "400": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}, "409": {"$ref": "#/components/responses/Error"}, "422": {"$ref": "#/components/responses/Error"}}},
      "delete": {"summary": "Delete a central; its anchor becomes a plain link", "responses": {"204": {"description": "deleted"}, "404": {"$ref": "#/components/responses/Error"}}}
    },
    "/centrals/{id}/stats": {
      "parameters": [{"$ref": "#/components/parameters/id"}],
      "get": {"summary": "Report of the clicks on the central's anchor", "parameters": [{"$ref": "#/components/parameters/from"}, {"$ref": "#/components/parameters/to"}, {"$ref": "#/components/parameters/tz"}, {"$ref": "#/components/parameters/by"}, {"$ref": "#/components/parameters/format"}, {"$ref": "#/components/parameters/sep"}, {"$ref": "#/components/parameters/bom"}, {"$ref": "#/components/parameters/lang"}],
              "responses": {"200": {"$ref": "#/components/responses/Stats"}, "400": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}}}
    },
    "/centrals/{id}/members/{slug}/hours": {
      "parameters": [{"$ref": "#/components/parameters/id"}, {"$ref": "#/components/parameters/slug"}],
      "put": {"summary": "Set a member's business hours", "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Hours"}}}},
              "responses": {"200": {"$ref": "#/components/responses/Central"}, "400": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}}},
      "delete": {"summary": "Back to 24 hours", "responses": {"200": {"$ref": "#/components/responses/Central"}, "404": {"$ref": "#/components/responses/Error"}}}
    },
    "/session": {
      "post": {"summary": "Log in: sets the sqs cookie. More than 5 failed logins for one e-mail or 20 from one address within 15 minutes answer 429 with Retry-After", "security": [],
               "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["email", "password"], "properties": {"email": {"type": "string"}, "password": {"type": "string"}}}}}},
               "responses": {"200": {"$ref": "#/components/responses/Session"}, "400": {"$ref": "#/components/responses/Error"}, "401": {"description": "code invalid_credentials", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}, "429": {"description": "code rate_limited", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}},
      "get": {"summary": "The logged-in user and the CSRF token", "security": [{"session": []}], "responses": {"200": {"$ref": "#/components/responses/Session"}, "401": {"$ref": "#/components/responses/Error"}}},
      "delete": {"summary": "Log out: deletes the session and clears the cookie", "security": [{"session": [], "csrf": []}], "responses": {"204": {"description": "logged out"}, "403": {"$ref": "#/components/responses/Error"}}}
    },
    "/users": {
      "get": {"summary": "List users", "responses": {"200": {"description": "users", "content": {"application/json": {"schema": {"type": "object", "properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/User"}}}}}}}, "401": {"$ref": "#/components/responses/Error"}}},
      "post": {"summary": "Create a user", "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["email", "password"], "properties": {"email": {"type": "string"}, "password": {"type": "string", "minLength": 10}}}}}},
               "responses": {"201": {"$ref": "#/components/responses/User"}, "400": {"$ref": "#/components/responses/Error"}, "409": {"description": "e-mail taken (ignoring case)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}}
    },
    "/users/{id}": {
      "parameters": [{"$ref": "#/components/parameters/id"}],
      "get": {"summary": "Read a user", "responses": {"200": {"$ref": "#/components/responses/User"}, "404": {"$ref": "#/components/responses/Error"}}},
      "patch": {"summary": "Change a user's password, or (alone in its request) their e-mail", "requestBody": {"required": true, "content": {"application/json": {"schema": {"oneOf": [
                  {"type": "object", "required": ["password"], "properties": {"password": {"type": "string", "minLength": 10}}},
                  {"type": "object", "required": ["email"], "properties": {"email": {"type": "string", "description": "unique ignoring case"}}, "additionalProperties": false}]}}}},
                "responses": {"200": {"$ref": "#/components/responses/User"}, "400": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}, "409": {"description": "the e-mail belongs to another user", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}},
      "delete": {"summary": "Delete a user and their sessions", "responses": {"204": {"description": "deleted"}, "404": {"$ref": "#/components/responses/Error"}, "409": {"description": "deleting yourself or the last user", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}}
    },
    "/tokens": {
      "get": {"summary": "List API tokens (never their secrets)", "responses": {"200": {"description": "tokens", "content": {"application/json": {"schema": {"type": "object", "properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/Token"}}}}}}}}},
      "post": {"summary": "Create an API token; the token is in this answer only", "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string", "minLength": 1, "maxLength": 100}}}}}},
               "responses": {"201": {"description": "the token", "content": {"application/json": {"schema": {"allOf": [{"$ref": "#/components/schemas/Token"}, {"type": "object", "properties": {"token": {"type": "string", "description": "sq_ followed by 64 hex digits"}}}]}}}}, "400": {"$ref": "#/components/responses/Error"}}}
    },
    "/tokens/{id}": {
      "parameters": [{"$ref": "#/components/parameters/id"}],
      "delete": {"summary": "Revoke a token (refused at once)", "responses": {"204": {"description": "revoked"}, "404": {"$ref": "#/components/responses/Error"}}}
    },
    "/settings": {
      "get": {"summary": "The settings in effect", "responses": {"200": {"$ref": "#/components/responses/Settings"}}},
      "patch": {"summary": "Save default_tz, public_url, shop_name, home_url and/or week_start; a saved value wins over the flag and takes effect at once", "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Settings"}}}},
                "responses": {"200": {"$ref": "#/components/responses/Settings"}, "400": {"$ref": "#/components/responses/Error"}}}
    },
    "/phone-check": {
      "get": {"summary": "Whether links accept a phone number (libphonenumber, per country), and its E.164 digits and international form", "parameters": [{"name": "phone", "in": "query", "required": true, "schema": {"type": "string"}}], "responses": {"200": {"description": "{\"valid\":true,\"phone\",\"formatted\",\"region\"} or {\"valid\":false,\"error\":{...}}", "content": {"application/json": {"schema": {"type": "object"}}}}}}
    },
    "/time-zones": {
      "get": {"summary": "Every time zone of the server's tzdata with its ISO 3166 country (zone.tab), and UTC", "responses": {"200": {"description": "{\"items\":[{\"zone\",\"country\",\"comment\"}]}", "content": {"application/json": {"schema": {"type": "object"}}}}}}
    },
    "/settings/{key}": {
      "parameters": [{"name": "key", "in": "path", "required": true, "schema": {"type": "string", "enum": ["default_tz", "public_url", "shop_name", "home_url", "week_start"]}}],
      "delete": {"summary": "Forget the saved value of one setting: the server's own value takes effect again", "responses": {"200": {"$ref": "#/components/responses/Settings"}, "404": {"$ref": "#/components/responses/Error"}}}
    }
  }
}
)JSON";
  return kDocument;
}

}  // namespace sequencial::api

// Text encoders used when answering requests: percent-encoding for the
// WhatsApp URL, HTML escaping for pages, and query-string decoding.
// Pure functions; the append_* forms write into a caller's buffer so the
// redirect path can reuse it without allocating.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sequencial {

// Percent-encodes every byte except the RFC 3986 unreserved set
// (A-Z a-z 0-9 - . _ ~), so UTF-8, '&', '#', '+', spaces and newlines arrive
// in WhatsApp exactly as written.
void append_percent_encoded(std::string& out, std::string_view text);
[[nodiscard]] std::string percent_encode(std::string_view text);

// Decodes %XX escapes; with `plus_is_space`, '+' becomes ' ' (form/query
// encoding). nullopt on a malformed escape.
[[nodiscard]] std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space);

// The decoded value of `key` in a query string ("a=1&b=2"), nullopt if absent
// or malformed.
[[nodiscard]] std::optional<std::string> query_param(std::string_view query, std::string_view key);

// Escapes & < > " ' for HTML text and attribute values.
void append_html_escaped(std::string& out, std::string_view text);
[[nodiscard]] std::string html_escape(std::string_view text);

// A positive decimal integer (an id in a URL or a reference), nullopt otherwise.
[[nodiscard]] std::optional<std::int64_t> parse_positive_id(std::string_view text);

// ASCII case-insensitive comparisons (header names, user agents).
[[nodiscard]] bool iequals(std::string_view a, std::string_view b);
[[nodiscard]] bool icontains(std::string_view haystack, std::string_view needle);

}  // namespace sequencial

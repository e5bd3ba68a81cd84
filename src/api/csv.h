// CSV cells of the report and click exports (RFC 4180 quoting), neutralised
// against formula injection (OWASP "CSV Injection"): a value that starts
// with '=', '+', '-', '@', a tab or a carriage return would be run as a
// formula by a spreadsheet, so it gets a leading apostrophe and is shown as
// text. Values come from visitors' URLs (utm_*, referrer), so this is the
// only way cells are written.
//
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace sequencial::api {

// Appends `value` as one CSV cell: neutralised, then quoted (with '"'
// doubled) when it holds a comma, quote, CR or LF.
void append_csv_cell(std::string& out, std::string_view value);
[[nodiscard]] std::string csv_cell(std::string_view value);

}  // namespace sequencial::api

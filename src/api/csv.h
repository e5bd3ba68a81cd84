// CSV cells of the report and click exports (RFC 4180 quoting), neutralised
// against formula injection (OWASP "CSV Injection"): a value that starts
// with '=', '+', '-', '@', a tab or a carriage return would be run as a
// formula by a spreadsheet, so it gets a leading apostrophe and is shown as
// text. Values come from visitors' URLs (utm_*, referrer), so this is the
// only way cells are written.
//
// Also how an export is written for a spreadsheet (CsvOptions): the
// separator, a UTF-8 byte order mark, translated headers.
//
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/error.h"

namespace sequencial::api {

// Appends `value` as one CSV cell: neutralised, then quoted (with '"'
// doubled) when it holds the separator, a quote, CR or LF.
void append_csv_cell(std::string& out, std::string_view value, char separator = ',');
[[nodiscard]] std::string csv_cell(std::string_view value, char separator = ',');

// From the query: ?sep=comma|semicolon (or "," / ";"; Excel in pt-BR
// expects ';'), ?bom=1 (a UTF-8 byte order mark, so Excel reads the accents
// right), ?lang=pt-BR|en (translated headers and a name column beside each
// slug; without it the headers and columns are the API's own, as before).
struct CsvOptions {
  char separator = ',';
  bool bom = false;
  std::string lang;  // "", "pt-BR" or "en"
  [[nodiscard]] bool named() const { return !lang.empty(); }
};
// kInvalid on "sep", "bom" or "lang" for other values.
[[nodiscard]] Result<CsvOptions> parse_csv_options(std::string_view query);
// A header cell: `key` translated for options.lang ("clicks" -> "cliques"
// in pt-BR); `key` itself without a language or for a key it does not know.
[[nodiscard]] std::string csv_header(std::string_view key, const CsvOptions& options);

}  // namespace sequencial::api

// CSV cells: formula neutralisation and quoting.
#include "api/csv.h"

namespace sequencial::api {
namespace {

bool starts_a_formula(std::string_view value) {
  if (value.empty()) return false;
  switch (value.front()) {
    case '=':
    case '+':
    case '-':
    case '@':
    case '\t':
    case '\r':
      return true;
    default:
      return false;
  }
}

}  // namespace

void append_csv_cell(std::string& out, std::string_view value) {
  const bool quote = value.find_first_of(",\"\r\n") != std::string_view::npos;
  if (quote) out += '"';
  if (starts_a_formula(value)) out += '\'';
  for (const char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  if (quote) out += '"';
}

std::string csv_cell(std::string_view value) {
  std::string out;
  append_csv_cell(out, value);
  return out;
}

}  // namespace sequencial::api

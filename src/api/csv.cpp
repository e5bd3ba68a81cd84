// CSV cells: formula neutralisation and quoting.
#include "api/csv.h"

#include <array>
#include <utility>

#include "core/text.h"

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

// Header keys of the exports and their Portuguese.
constexpr std::array<std::pair<std::string_view, std::string_view>, 34> kHeadersPt = {{
    {"clicks", "cliques"},
    {"name", "nome"},
    {"attendant", "atendente"},
    {"day", "dia"},
    {"hour", "hora"},
    {"device", "dispositivo"},
    {"browser", "navegador"},
    {"referrer", "site de origem"},
    {"utm_source", "utm_source (origem)"},
    {"utm_medium", "utm_medium (mídia)"},
    {"utm_campaign", "utm_campaign (campanha)"},
    {"utm_term", "utm_term (termo)"},
    {"utm_content", "utm_content (conteúdo)"},
    {"source", "canal"},
    {"outcome", "resultado"},
    {"country", "país"},
    {"region", "estado"},
    {"city", "cidade"},
    {"time", "data e hora"},
    {"kind", "tipo"},
    {"central_id", "central"},
    {"entry_link", "link de entrada"},
    {"entry_link_name", "nome do link de entrada"},
    {"link", "link do atendente"},
    {"link_name", "nome do atendente"},
    {"new_visitor", "visitante novo"},
    {"gclid", "gclid"},
    {"fbclid", "fbclid"},
    {"ref", "código do clique"},
    {"previews", "prévias"},
    {"total", "total"},
    {"new_visitors", "visitantes novos"},
    {"returning_visitors", "visitantes que voltaram"},
    {"views", "visualizações"},
}};

}  // namespace

Result<CsvOptions> parse_csv_options(std::string_view query) {
  CsvOptions options;
  if (auto sep = query_param(query, "sep"); sep) {
    if (*sep == "," || *sep == "comma") {
      options.separator = ',';
    } else if (*sep == ";" || *sep == "semicolon") {
      options.separator = ';';
    } else {
      return fail(Error::invalid("sep", "sep must be comma or semicolon"));
    }
  }
  if (auto bom = query_param(query, "bom"); bom) {
    if (*bom != "0" && *bom != "1") return fail(Error::invalid("bom", "bom must be 0 or 1"));
    options.bom = *bom == "1";
  }
  if (auto lang = query_param(query, "lang"); lang) {
    if (*lang != "pt-BR" && *lang != "en") {
      return fail(Error::invalid("lang", "lang must be pt-BR or en"));
    }
    options.lang = *lang;
  }
  return options;
}

std::string csv_header(std::string_view key, const CsvOptions& options) {
  if (options.lang == "pt-BR") {
    for (const auto& [english, portuguese] : kHeadersPt) {
      if (english == key) return csv_cell(portuguese, options.separator);
    }
  }
  return csv_cell(key, options.separator);
}

void append_csv_cell(std::string& out, std::string_view value, char separator) {
  const char specials[] = {separator, '"', '\r', '\n', '\0'};
  const bool quote = value.find_first_of(specials) != std::string_view::npos;
  if (quote) out += '"';
  if (starts_a_formula(value)) out += '\'';
  for (const char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  if (quote) out += '"';
}

std::string csv_cell(std::string_view value, char separator) {
  std::string out;
  append_csv_cell(out, value, separator);
  return out;
}

}  // namespace sequencial::api

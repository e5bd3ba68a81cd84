// HTML of the public pages.
#include "app/pages.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>

#include "core/text.h"
#include "routing/business_hours.h"

namespace sequencial::app {
namespace {

constexpr std::string_view kStyle =
    "<style>body{font-family:system-ui,sans-serif;max-width:34rem;margin:3rem auto;padding:0 1rem;"
    "color:#1f2933}h1{font-size:1.4rem}table{border-collapse:collapse}td{padding:.2rem .8rem .2rem "
    "0}a.button{display:inline-block;margin-top:1rem;padding:.7rem 1.2rem;background:#128c7e;"
    "color:#fff;border-radius:.4rem;text-decoration:none}</style>";

std::string page(std::string_view lang, std::string_view title, std::string_view body) {
  std::string out = "<!doctype html><html lang=\"";
  out += lang;
  out +=
      "\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
      "content=\"width=device-width,initial-scale=1\"><title>";
  append_html_escaped(out, title);
  out += "</title>";
  out += kStyle;
  out += "</head><body>";
  out += body;
  out += "</body></html>\n";
  return out;
}

// Union of the members' ranges for one weekday, sorted and merged.
std::vector<TimeRange> merged_day(const std::vector<std::optional<Schedule>>& schedules, int day) {
  std::vector<TimeRange> ranges;
  for (const auto& s : schedules) {
    if (!s) return {TimeRange{0, 1440}};  // someone is always available
    for (const auto& r : s->week[static_cast<std::size_t>(day)]) ranges.push_back(r);
  }
  std::sort(ranges.begin(), ranges.end(),
            [](const TimeRange& a, const TimeRange& b) { return a.start_minute < b.start_minute; });
  std::vector<TimeRange> merged;
  for (const auto& r : ranges) {
    const bool crosses = r.end_minute < r.start_minute;
    if (!merged.empty() && merged.back().end_minute >= merged.back().start_minute && !crosses &&
        r.start_minute <= merged.back().end_minute) {
      merged.back().end_minute = std::max(merged.back().end_minute, r.end_minute);
    } else {
      merged.push_back(r);
    }
  }
  return merged;
}

}  // namespace

Language pick_language(std::string_view accept_language) {
  while (!accept_language.empty() && accept_language.front() == ' ')
    accept_language.remove_prefix(1);
  if (accept_language.size() >= 2 && (accept_language[0] == 'e' || accept_language[0] == 'E') &&
      (accept_language[1] == 'n' || accept_language[1] == 'N')) {
    return Language::kEn;
  }
  return Language::kPtBr;
}

std::string not_found_page(Language lang) {
  if (lang == Language::kEn) {
    return page("en", "Link not found",
                "<h1>Link not found</h1><p>This link does not exist or is paused.</p>");
  }
  return page("pt-BR", "Link não encontrado",
              "<h1>Link não encontrado</h1><p>Este link não existe ou está pausado.</p>");
}

std::string home_page(std::string_view shop_name, Language lang) {
  const bool en = lang == Language::kEn;
  std::string body = "<h1>";
  if (shop_name.empty()) {
    body += en ? "Welcome" : "Bem-vindo";
  } else {
    append_html_escaped(body, shop_name);
  }
  body += "</h1><p>";
  body += en ? "To talk to us, use the link or QR code you received."
             : "Para falar conosco, use o link ou o QR code que você recebeu.";
  body += "</p>";
  return page(en ? "en" : "pt-BR", shop_name.empty() ? (en ? "Welcome" : "Bem-vindo") : shop_name,
              body);
}

std::string preview_page(const Link& link, std::string_view public_url,
                         std::string_view shop_name) {
  // The label is the shop's own name for the link ("Loja — link do
  // Instagram"): customers never see it.
  const std::string title = !link.preview_title.empty() ? link.preview_title
                            : !shop_name.empty()        ? std::string(shop_name)
                                                        : std::string("Fale conosco no WhatsApp");
  const std::string description = !link.preview_description.empty()
                                      ? link.preview_description
                                      : std::string("Clique para conversar pelo WhatsApp.");
  std::string url(public_url);
  url += "/";
  url += link.slug;
  std::string head = "<!doctype html><html lang=\"pt-BR\"><head><meta charset=\"utf-8\"><title>";
  append_html_escaped(head, title);
  head +=
      "</title><meta property=\"og:type\" content=\"website\"><meta property=\"og:title\" "
      "content=\"";
  append_html_escaped(head, title);
  head += "\"><meta property=\"og:description\" content=\"";
  append_html_escaped(head, description);
  head += "\"><meta property=\"og:url\" content=\"";
  append_html_escaped(head, url);
  head += "\">";
  if (!link.preview_image.empty()) {
    head += "<meta property=\"og:image\" content=\"";
    append_html_escaped(head, link.preview_image);
    head += "\">";
  }
  head += "<meta name=\"twitter:card\" content=\"summary\"></head><body><h1>";
  append_html_escaped(head, title);
  head += "</h1><p>";
  append_html_escaped(head, description);
  head += "</p></body></html>\n";
  return head;
}

std::string next_opening_text(const NextOpening& next, Language lang) {
  const bool en = lang == Language::kEn;
  // "9:00", "13:00": no leading zero, as people write it.
  const std::string clock = std::to_string(next.minute / 60) + ":" +
                            (next.minute % 60 < 10 ? "0" : "") + std::to_string(next.minute % 60);
  if (next.date == next.today) return (en ? "today at " : "hoje às ") + clock;
  if (next.date == next.tomorrow) return (en ? "tomorrow at " : "amanhã às ") + clock;
  static constexpr std::array<const char*, 7> kLongPt = {
      "domingo",      "segunda-feira", "terça-feira", "quarta-feira",
      "quinta-feira", "sexta-feira",   "sábado"};
  static constexpr std::array<const char*, 7> kLongEn = {
      "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};
  int y = 0;
  unsigned m = 0;
  unsigned d = 0;
  if (next.date.size() != 10 || std::sscanf(next.date.c_str(), "%d-%u-%u", &y, &m, &d) != 3) {
    return next.date + " " + clock;
  }
  const std::chrono::year_month_day ymd{std::chrono::year(y), std::chrono::month(m),
                                        std::chrono::day(d)};
  const unsigned weekday = std::chrono::weekday(std::chrono::sys_days(ymd)).c_encoding();
  const std::string day_month = next.date.substr(8, 2) + "/" + next.date.substr(5, 2);
  if (en) return std::string(kLongEn[weekday]) + ", " + day_month + " at " + clock;
  return std::string(kLongPt[weekday]) + ", " + day_month + " às " + clock;
}

std::string closed_page_html(const ClosedPageInfo& info, Language lang) {
  const bool en = lang == Language::kEn;
  static constexpr std::array<const char*, 7> kDaysPt = {"Domingo", "Segunda", "Terça", "Quarta",
                                                         "Quinta",  "Sexta",   "Sábado"};
  static constexpr std::array<const char*, 7> kDaysEn = {
      "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};
  const std::string title =
      en ? "We are outside our service hours" : "Estamos fora do horário de atendimento";
  std::string body;
  if (!info.shop_name.empty()) {
    body += "<p class=\"shop\" id=\"shop-name\"><strong>";
    append_html_escaped(body, info.shop_name);
    body += "</strong></p>";
  }
  body += "<h1>";
  append_html_escaped(body, title);
  body += "</h1>";
  if (info.next) {
    body += en ? "<p>We are back <strong id=\"next-opening\">"
               : "<p>Voltamos a atender <strong id=\"next-opening\">";
    append_html_escaped(body, next_opening_text(*info.next, lang));
    body += "</strong>.</p>";
  }
  body += en ? "<h2>Service hours</h2><table>" : "<h2>Horário de atendimento</h2><table>";
  for (int row = 0; row < 7; ++row) {
    const int day = info.week_starts_monday ? (row + 1) % 7 : row;
    body += "<tr><td>";
    body += en ? kDaysEn[static_cast<std::size_t>(day)] : kDaysPt[static_cast<std::size_t>(day)];
    body += "</td><td>";
    const auto ranges = merged_day(info.schedules, day);
    if (ranges.empty()) body += en ? "closed" : "fechado";
    for (std::size_t i = 0; i < ranges.size(); ++i) {
      if (i > 0) body += ", ";
      body += routing::format_clock(ranges[i].start_minute);
      body += "–";
      body += routing::format_clock(ranges[i].end_minute);
    }
    body += "</td></tr>";
  }
  body += "</table><a class=\"button\" href=\"";
  append_html_escaped(body, info.write_anyway_url);
  body += "\">";
  body += en ? "Send a message anyway" : "Enviar mensagem mesmo assim";
  body += "</a>";
  return page(en ? "en" : "pt-BR", title, body);
}

}  // namespace sequencial::app

// The HTML pages of the public routes: link not found, the Open Graph page
// served to preview crawlers, and the "fora do horário" page (rule 4).
// pt-BR by default, English when Accept-Language prefers it. Every value that
// comes from a user is HTML-escaped.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/model.h"

namespace sequencial::app {

enum class Language { kPtBr, kEn };

// pt-BR unless the first language of an Accept-Language header is English.
[[nodiscard]] Language pick_language(std::string_view accept_language);

[[nodiscard]] std::string not_found_page(Language lang);

// "/" when no home URL is set: a neutral page naming the shop when it has a
// public name, and nothing else (no product name, no admin link).
[[nodiscard]] std::string home_page(std::string_view shop_name, Language lang);

// Open Graph tags of a link for WhatsApp, Facebook, Telegram... previews.
// The title is the link's preview title, else the shop's public name, else
// a generic sentence: never the link's internal label.
[[nodiscard]] std::string preview_page(const Link& link, std::string_view public_url,
                                       std::string_view shop_name = {});

// When the next opening is, in the shop's zone: "hoje às 13:00",
// "amanhã às 9:00", "quarta-feira, 04/03 às 13:00".
struct NextOpening {
  std::string date;   // local "YYYY-MM-DD" of the opening
  int minute = 0;     // local minute of the day
  std::string today;  // local "YYYY-MM-DD" of now
  std::string tomorrow;
};

struct ClosedPageInfo {
  std::vector<std::optional<Schedule>> schedules;  // of the available members
  std::optional<NextOpening> next;                 // nullopt when unknown
  std::string write_anyway_url;                    // wa.me link of the anchor
  std::string shop_name;                           // empty: not named
  bool week_starts_monday = true;
};
[[nodiscard]] std::string next_opening_text(const NextOpening& next, Language lang);
[[nodiscard]] std::string closed_page_html(const ClosedPageInfo& info, Language lang);

}  // namespace sequencial::app

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

// Open Graph tags of a link for WhatsApp, Facebook, Telegram... previews.
[[nodiscard]] std::string preview_page(const Link& link, std::string_view public_url);

struct ClosedPageInfo {
  std::vector<std::optional<Schedule>> schedules;  // of the available members
  std::string next_opening;                        // local time text, empty when unknown
  std::string write_anyway_url;                    // wa.me link of the anchor
};
[[nodiscard]] std::string closed_page_html(const ClosedPageInfo& info, Language lang);

}  // namespace sequencial::app

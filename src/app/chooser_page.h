// The Seletivo chooser page: "Com quem você quer falar?" and one entry per
// member open now (title, description, photo), each a plain link to that
// member's public URL. Server-rendered HTML without script, for a 390 px
// phone first: photos are lazy-loaded over an avatar with the entry's
// initials (shown when there is no photo or it does not load). pt-BR by
// default, English when Accept-Language prefers it; Open Graph tags from
// the anchor link for crawlers. Every value is HTML-escaped.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "app/pages.h"
#include "core/model.h"

namespace sequencial::app {

struct ChooserPageEntry {
  std::string href;  // absolute URL of the member's link, marker included
  std::string title;
  std::string description;
  std::string photo_url;  // empty: the initials avatar only
};

struct ChooserPageInfo {
  std::string title;  // the central's title; empty = the default question
  const Link* anchor = nullptr;
  std::string url;  // the chooser's own public URL (og:url)
  std::vector<ChooserPageEntry> entries;
};

[[nodiscard]] std::string chooser_page_html(const ChooserPageInfo& info, Language lang);

// Up to two letters naming an entry: the first letter of its first two
// words, upper-cased when ASCII ("Vendas Online" -> "VO", "ana" -> "A").
[[nodiscard]] std::string initials_of(std::string_view title);

// `href` for an entry: `<public_url>/<slug>`, the chooser's query string kept
// (without a previous `via`), plus `via=<chooser slug>`.
[[nodiscard]] std::string entry_href(std::string_view public_url, std::string_view slug,
                                     std::string_view query, std::string_view chooser_slug);

}  // namespace sequencial::app

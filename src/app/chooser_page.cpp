// HTML of the Seletivo chooser page.
#include "app/chooser_page.h"

#include "core/text.h"

namespace sequencial::app {
namespace {

constexpr std::string_view kStyle =
    "<style>*{box-sizing:border-box}body{font-family:system-ui,sans-serif;margin:0;"
    "background:#f0f2f5;color:#1f2933}main{max-width:32rem;margin:0 auto;padding:1.5rem 1rem}"
    "h1{font-size:1.35rem;margin:0 0 1rem;text-align:center}ul{list-style:none;margin:0;"
    "padding:0}li{margin:0 0 .75rem}a.e{display:flex;align-items:center;gap:.9rem;"
    "padding:.8rem 1rem;min-height:4.5rem;background:#fff;border-radius:.8rem;color:inherit;"
    "text-decoration:none;box-shadow:0 1px 2px rgba(0,0,0,.12)}a.e:focus,a.e:hover{"
    "outline:2px solid #128c7e}.av{position:relative;flex:0 0 3rem;width:3rem;height:3rem;"
    "border-radius:50%;background:#128c7e;color:#fff;display:flex;align-items:center;"
    "justify-content:center;font-weight:600;overflow:hidden}.av img{position:absolute;inset:0;"
    "width:100%;height:100%;object-fit:cover}.t{display:block;font-weight:600}.d{display:block;"
    "font-size:.9rem;color:#52606d;margin-top:.15rem}.tx{min-width:0;overflow-wrap:anywhere}"
    "</style>";

void meta(std::string& out, std::string_view property, std::string_view content) {
  out += "<meta property=\"";
  out += property;
  out += "\" content=\"";
  append_html_escaped(out, content);
  out += "\">";
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Length of the UTF-8 sequence starting with `lead` (1 for a stray byte).
std::size_t sequence_length(unsigned char lead) {
  if (lead >= 0xF0) return 4;
  if (lead >= 0xE0) return 3;
  if (lead >= 0xC0) return 2;
  return 1;
}

}  // namespace

std::string initials_of(std::string_view title) {
  std::string out;
  int letters = 0;
  bool at_word_start = true;
  for (std::size_t i = 0; i < title.size() && letters < 2;) {
    const char c = title[i];
    const std::size_t n =
        std::min(sequence_length(static_cast<unsigned char>(c)), title.size() - i);
    if (is_space(c)) {
      at_word_start = true;
    } else if (at_word_start) {
      at_word_start = false;
      const bool ascii_letter_or_digit =
          (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      if (ascii_letter_or_digit || n > 1) {
        out += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
        if (n > 1) out.append(title.substr(i + 1, n - 1));
        ++letters;
      }
    }
    i += n;
  }
  return out.empty() ? std::string("?") : out;
}

std::string entry_href(std::string_view public_url, std::string_view slug, std::string_view query,
                       std::string_view chooser_slug) {
  std::string href(public_url);
  href += '/';
  href += slug;
  href += '?';
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view part = query.substr(0, amp);
    if (!part.empty() && part != "via" && !part.starts_with("via=")) {
      href += part;
      href += '&';
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  href += "via=";
  href += chooser_slug;  // a slug: [A-Za-z0-9_-], nothing to encode
  return href;
}

std::string chooser_page_html(const ChooserPageInfo& info, Language lang) {
  const bool en = lang == Language::kEn;
  const std::string title = !info.title.empty() ? info.title
                            : en                ? std::string("Who would you like to talk to?")
                                                : std::string("Com quem você quer falar?");
  std::string out = "<!doctype html><html lang=\"";
  out += en ? "en" : "pt-BR";
  out +=
      "\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
      "content=\"width=device-width,initial-scale=1\"><meta name=\"robots\" "
      "content=\"noindex\"><link rel=\"icon\" href=\"data:,\"><title>";
  append_html_escaped(out, title);
  out += "</title>";
  meta(out, "og:type", "website");
  const Link* anchor = info.anchor;
  meta(out, "og:title",
       anchor != nullptr && !anchor->preview_title.empty() ? anchor->preview_title : title);
  if (anchor != nullptr && !anchor->preview_description.empty()) {
    meta(out, "og:description", anchor->preview_description);
  }
  if (!info.url.empty()) meta(out, "og:url", info.url);
  if (anchor != nullptr && !anchor->preview_image.empty()) {
    meta(out, "og:image", anchor->preview_image);
  }
  out += kStyle;
  out += "</head><body><main><h1>";
  append_html_escaped(out, title);
  out += "</h1><ul>";
  for (const ChooserPageEntry& entry : info.entries) {
    out += "<li><a class=\"e\" href=\"";
    append_html_escaped(out, entry.href);
    out += "\"><span class=\"av\" aria-hidden=\"true\">";
    append_html_escaped(out, initials_of(entry.title));
    if (!entry.photo_url.empty()) {
      out += "<img src=\"";
      append_html_escaped(out, entry.photo_url);
      out += "\" alt=\"\" loading=\"lazy\" decoding=\"async\" width=\"48\" height=\"48\">";
    }
    out += "</span><span class=\"tx\"><span class=\"t\">";
    append_html_escaped(out, entry.title);
    out += "</span>";
    if (!entry.description.empty()) {
      out += "<span class=\"d\">";
      append_html_escaped(out, entry.description);
      out += "</span>";
    }
    out += "</span></a></li>";
  }
  out += "</ul></main></body></html>\n";
  return out;
}

}  // namespace sequencial::app

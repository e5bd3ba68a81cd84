// Tells clicks apart from HEAD, browser prefetch and link-preview crawlers.
#include "routing/request_kind.h"

#include <array>
#include <cstddef>
#include <cstdint>

#include "core/text.h"

namespace sequencial::routing {
namespace {

// Matched as ASCII case-insensitive substrings of the User-Agent.
//
// A token wrongly matching a person is far worse than missing a crawler (the
// customer would get a preview page instead of WhatsApp), so every token must
// be absent from real browsers and in-app browsers:
//  - no generic "bot"/"spider"/"crawler": Android device models such as
//    "CUBOT X30" appear in browser UAs;
//  - no names of apps that open links in an in-app browser carrying the app
//    name: "Line/", "Snapchat", "Instagram", "FBAN"/"FB_IAB"; "Viber" is left
//    out until its preview fetcher can be told apart from its app;
//  - no "curl"/"Wget": people use them to test their links.
// WhatsApp has no in-app browser (links open in the system browser), so its
// name only appears in its preview fetcher ("WhatsApp/2.23.20.0 A"); Signal's
// preview fetcher also sends "WhatsApp/2". Telegram's fetcher sends
// "TelegramBot (like TwitterBot)"; iMessage's sends "facebookexternalhit/1.1
// Facebot Twitterbot/1.0".
constexpr std::string_view kPreviewAgentTokens[] = {
    // Messengers and social networks (link previews).
    "WhatsApp",
    "facebookexternalhit",
    "Facebot",
    "facebookcatalog",
    "Twitterbot",
    "TelegramBot",
    "Slackbot",
    "Slack-ImgProxy",
    "LinkedInBot",
    "Discordbot",
    "Pinterestbot",
    "pinterest.com/bot",
    "redditbot",
    "vkShare",
    "Snap URL Preview",
    "SkypeUriPreview",
    "MicrosoftPreview",
    "Embedly",
    "Iframely",
    // Search engines and ad checkers.
    "Googlebot",
    "Google-InspectionTool",
    "GoogleOther",
    "Storebot-Google",
    "AdsBot-Google",
    "Mediapartners-Google",
    "bingbot",
    "BingPreview",
    "Applebot",
    "DuckDuckBot",
    "YandexBot",
    "Baiduspider",
    "Yahoo! Slurp",
    // SEO and AI crawlers.
    "ZoominfoBot",
    "SemrushBot",
    "AhrefsBot",
    "MJ12bot",
    "PetalBot",
    "GPTBot",
    "ClaudeBot",
    "Bytespider",
};
constexpr std::size_t kTokenCount = std::size(kPreviewAgentTokens);

constexpr char ascii_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
}
constexpr std::array<unsigned char, 256> kLower = [] {
  std::array<unsigned char, 256> table{};
  for (int c = 0; c < 256; ++c) {
    table[c] = static_cast<unsigned char>(ascii_lower(static_cast<char>(c)));
  }
  return table;
}();

constexpr std::size_t kTokenChars = [] {
  std::size_t total = 0;
  for (const std::string_view token : kPreviewAgentTokens) total += token.size();
  return total;
}();

// The tokens lowercased at compile time and grouped by first character, plus
// a bitmap of the two-character prefixes that start any token. One pass over
// the User-Agent rejects almost every position with a single bit test and
// tries only the few tokens that can start at the others: a few hundred
// nanoseconds for a 200-byte browser UA, several times faster than one find()
// per token, and no allocation.
struct TokenIndex {
  std::array<char, kTokenChars> chars{};  // every token, lowercased, back to back
  std::array<std::size_t, kTokenCount + 1> begin{};
  std::array<std::size_t, kTokenCount> by_first{};   // token numbers sorted by first char
  std::array<std::size_t, 257> first_begin{};        // by_first range for each first char
  std::array<std::uint64_t, 65536 / 64> prefixes{};  // bit (c0 << 8 | c1) per token start

  constexpr std::string_view token(std::size_t i) const {
    return {chars.data() + begin[i], begin[i + 1] - begin[i]};
  }
};

constexpr TokenIndex kTokenIndex = [] {
  TokenIndex index;
  std::size_t at = 0;
  for (std::size_t i = 0; i < kTokenCount; ++i) {
    index.begin[i] = at;
    for (const char c : kPreviewAgentTokens[i]) index.chars[at++] = ascii_lower(c);
  }
  index.begin[kTokenCount] = at;
  std::size_t placed = 0;
  for (std::size_t c = 0; c < 256; ++c) {
    index.first_begin[c] = placed;
    for (std::size_t i = 0; i < kTokenCount; ++i) {
      if (static_cast<unsigned char>(index.token(i)[0]) == c) index.by_first[placed++] = i;
    }
  }
  index.first_begin[256] = placed;
  for (std::size_t i = 0; i < kTokenCount; ++i) {
    const std::size_t pair = static_cast<unsigned char>(index.token(i)[0]) << 8 |
                             static_cast<unsigned char>(index.token(i)[1]);
    index.prefixes[pair / 64] |= std::uint64_t{1} << (pair % 64);
  }
  return index;
}();

static_assert(
    [] {
      for (const std::string_view token : kPreviewAgentTokens) {
        if (token.size() < 2) return false;
      }
      return true;
    }(),
    "the prefix bitmap needs tokens of two characters or more");

std::string_view trim(std::string_view value) {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  return value;
}

bool is_prefetch(const RequestTraits& traits) {
  // Chrome sends "Sec-Purpose: prefetch" (with ";prerender" or
  // ";anonymous-client-ip" parameters); older Chrome "Purpose: prefetch";
  // Firefox "X-Moz: prefetch".
  return icontains(traits.sec_purpose, "prefetch") || icontains(traits.sec_purpose, "prerender") ||
         iequals(trim(traits.purpose), "prefetch") || iequals(trim(traits.x_moz), "prefetch");
}

}  // namespace

RequestKind classify_request(const RequestTraits& traits) {
  if (traits.method == "HEAD") return RequestKind::kHead;
  if (is_prefetch(traits)) return RequestKind::kPrefetch;
  if (is_preview_agent(traits.user_agent)) return RequestKind::kPreview;
  return RequestKind::kClick;
}

bool is_preview_agent(std::string_view user_agent) {
  if (user_agent.size() < 2) return false;
  const auto* const text = reinterpret_cast<const unsigned char*>(user_agent.data());
  const std::size_t size = user_agent.size();
  for (std::size_t at = 0; at + 1 < size; ++at) {
    const unsigned char first = kLower[text[at]];
    const std::size_t pair = first << 8 | kLower[text[at + 1]];
    if ((kTokenIndex.prefixes[pair / 64] >> (pair % 64) & 1) == 0) continue;
    for (std::size_t k = kTokenIndex.first_begin[first]; k < kTokenIndex.first_begin[first + 1];
         ++k) {
      const std::string_view token = kTokenIndex.token(kTokenIndex.by_first[k]);
      if (token.size() > size - at) continue;
      std::size_t j = 1;
      while (j < token.size() && kLower[text[at + j]] == static_cast<unsigned char>(token[j])) {
        ++j;
      }
      if (j == token.size()) return true;
    }
  }
  return false;
}

std::span<const std::string_view> preview_agent_tokens() { return kPreviewAgentTokens; }

}  // namespace sequencial::routing

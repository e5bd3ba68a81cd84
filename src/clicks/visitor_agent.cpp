// Device, browser and referrer buckets of a click (see visitor_agent.h).
#include "clicks/visitor_agent.h"

#include <array>
#include <cstddef>
#include <initializer_list>

namespace sequencial::clicks {
namespace {

constexpr std::array<const char*, 6> kDeviceNames = {"android", "ios",   "windows",
                                                     "macos",   "linux", "other"};
constexpr std::array<const char*, 10> kBrowserNames = {"chrome",  "safari", "firefox",   "edge",
                                                       "samsung", "opera",  "instagram", "facebook",
                                                       "tiktok",  "other"};
static_assert(kDeviceNames.size() == static_cast<std::size_t>(Device::kOther) + 1);
static_assert(kBrowserNames.size() == static_cast<std::size_t>(Browser::kOther) + 1);

bool has(std::string_view text, std::string_view token) noexcept {
  return text.find(token) != std::string_view::npos;
}

bool has_any(std::string_view text, std::initializer_list<std::string_view> tokens) noexcept {
  for (const std::string_view token : tokens) {
    if (has(text, token)) return true;
  }
  return false;
}

constexpr char lower_ascii(char c) noexcept {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool starts_with_icase(std::string_view text, std::string_view lower_prefix) noexcept {
  if (text.size() < lower_prefix.size()) return false;
  for (std::size_t i = 0; i < lower_prefix.size(); ++i) {
    if (lower_ascii(text[i]) != lower_prefix[i]) return false;
  }
  return true;
}

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
bool is_alpha(char c) noexcept { return lower_ascii(c) >= 'a' && lower_ascii(c) <= 'z'; }
bool is_hex(char c) noexcept {
  return is_digit(c) || (lower_ascii(c) >= 'a' && lower_ascii(c) <= 'f');
}

// ":" followed by at most 5 digits ("http://host:/" is a valid URL too).
bool valid_port(std::string_view text) noexcept {
  if (text.empty() || text.front() != ':' || text.size() > 6) return false;
  for (const char c : text.substr(1)) {
    if (!is_digit(c)) return false;
  }
  return true;
}

// A registered name (or IPv4 address): labels of letters, digits, '-' and
// '_' separated by single dots.
bool valid_name(std::string_view host) noexcept {
  if (host.empty() || host.size() > 253 || host.front() == '.' || has(host, "..")) return false;
  for (const char c : host) {
    if (!is_alpha(c) && !is_digit(c) && c != '-' && c != '.' && c != '_') return false;
  }
  return true;
}

// "[...]" with hex digits, ':' and '.' inside.
bool valid_ipv6_literal(std::string_view host) noexcept {
  if (host.size() < 4 || host.front() != '[' || host.back() != ']') return false;
  for (const char c : host.substr(1, host.size() - 2)) {
    if (!is_hex(c) && c != ':' && c != '.') return false;
  }
  return true;
}

std::string_view trim(std::string_view text) noexcept {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

}  // namespace

Device classify_device(std::string_view ua) noexcept {
  if (ua.empty()) return Device::kOther;
  // Windows Phone UAs also name Android and iPhone; the platform is gone.
  if (has(ua, "Windows Phone")) return Device::kOther;
  if (has_any(ua, {"iPhone", "iPad", "iPod"})) return Device::kIos;
  const bool macintosh = has(ua, "Macintosh");
  // iPadOS asks for desktop sites by default and then says "Macintosh"; its
  // browsers still give themselves away.
  if (macintosh && has_any(ua, {"Mobile/", "CriOS/", "FxiOS/", "EdgiOS/"})) return Device::kIos;
  if (has(ua, "Android")) return Device::kAndroid;
  if (has(ua, "Windows NT")) return Device::kWindows;
  if (macintosh || has(ua, "Mac OS X")) return Device::kMacos;
  // ChromeOS is Linux underneath and has no bucket of its own.
  if (has_any(ua, {"CrOS", "Linux", "X11"})) return Device::kLinux;
  return Device::kOther;
}

Browser classify_browser(std::string_view ua) noexcept {
  if (ua.empty()) return Browser::kOther;
  if (has(ua, "Instagram")) return Browser::kInstagram;
  if (has_any(ua, {"FBAN/", "FBAV/", "FB_IAB/"})) return Browser::kFacebook;
  if (has_any(ua, {"TikTok", "musical_ly", "BytedanceWebview"})) return Browser::kTiktok;
  if (has_any(ua, {"Edg/", "EdgA/", "EdgiOS/", "Edge/"})) return Browser::kEdge;
  if (has_any(ua, {"OPR/", "OPiOS/", "Opera"})) return Browser::kOpera;
  if (has(ua, "SamsungBrowser/")) return Browser::kSamsung;
  if (has_any(ua, {"Firefox/", "FxiOS/"})) return Browser::kFirefox;
  // Android's WebView inside some other app (Gmail, LinkedIn, ...) carries
  // Chrome/ but is not the Chrome browser.
  if (has(ua, "; wv)")) return Browser::kOther;
  if (has_any(ua, {"CriOS/", "Chrome/"})) return Browser::kChrome;
  // iOS web views (Google app, ...) say Safari/ but not Version/.
  if (has(ua, "Safari/") && has(ua, "Version/")) return Browser::kSafari;
  return Browser::kOther;
}

const char* device_name(Device device) noexcept {
  const auto index = static_cast<std::size_t>(device);
  return index < kDeviceNames.size() ? kDeviceNames[index] : "other";
}

const char* browser_name(Browser browser) noexcept {
  const auto index = static_cast<std::size_t>(browser);
  return index < kBrowserNames.size() ? kBrowserNames[index] : "other";
}

std::optional<Device> device_from_name(std::string_view name) noexcept {
  for (std::size_t i = 0; i < kDeviceNames.size(); ++i) {
    if (name == kDeviceNames[i]) return static_cast<Device>(i);
  }
  return std::nullopt;
}

std::optional<Browser> browser_from_name(std::string_view name) noexcept {
  for (std::size_t i = 0; i < kBrowserNames.size(); ++i) {
    if (name == kBrowserNames[i]) return static_cast<Browser>(i);
  }
  return std::nullopt;
}

std::string_view referrer_domain(std::string_view referer) noexcept {
  referer = trim(referer);
  if (starts_with_icase(referer, "https://")) {
    referer.remove_prefix(8);
  } else if (starts_with_icase(referer, "http://")) {
    referer.remove_prefix(7);
  } else {
    return {};
  }
  std::string_view authority = referer.substr(0, referer.find_first_of("/?#"));
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
    authority.remove_prefix(at + 1);
  }
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return {};
    const std::string_view host = authority.substr(0, close + 1);
    const std::string_view port = authority.substr(close + 1);
    if (!valid_ipv6_literal(host) || (!port.empty() && !valid_port(port))) return {};
    return host;
  }
  const auto colon = authority.find(':');
  std::string_view host = authority.substr(0, colon);
  if (colon != std::string_view::npos && !valid_port(authority.substr(colon))) return {};
  if (!host.empty() && host.back() == '.') host.remove_suffix(1);
  if (host.size() > 4 && starts_with_icase(host, "www.")) host.remove_prefix(4);
  if (!valid_name(host)) return {};
  return host;
}

void assign_referrer_domain(std::string& out, std::string_view referer) {
  out.assign(referrer_domain(referer));
  for (char& c : out) c = lower_ascii(c);
}

}  // namespace sequencial::clicks

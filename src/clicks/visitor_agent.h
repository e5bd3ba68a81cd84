// What a click's request headers say about the visitor, for the reports
// ("Reports" in docs/PRODUCT.md): the device family and browser named by the
// User-Agent, and the domain named by the Referer.
//
// These are coarse report buckets, not device detection: a User-Agent is
// whatever the client says. The rules, in order (case-sensitive tokens, the
// way browsers write them):
//
//   device   "Windows Phone"                          -> other (says Android too)
//            iPhone, iPad, iPod                        -> ios
//            "Macintosh" with "Mobile/", CriOS/, FxiOS/
//              or EdgiOS/ (iPadOS in desktop mode)     -> ios
//            Android (before Linux: Android says Linux) -> android
//            "Windows NT"                              -> windows
//            Macintosh, "Mac OS X"                     -> macos
//            CrOS (ChromeOS), Linux, X11               -> linux
//            anything else (curl, bots, empty)         -> other
//   browser  Instagram                                 -> instagram
//            FBAN/, FBAV/, FB_IAB/ (Facebook, Messenger) -> facebook
//            TikTok, musical_ly, BytedanceWebview      -> tiktok
//            Edg/, EdgA/, EdgiOS/, Edge/               -> edge
//            OPR/, OPiOS/, Opera                       -> opera
//            SamsungBrowser/                           -> samsung
//            Firefox/, FxiOS/                          -> firefox
//            "; wv)" (another app's Android WebView)   -> other
//            CriOS/, Chrome/                           -> chrome
//            Safari/ with Version/                     -> safari
//            anything else (other in-app views, curl)  -> other
//
// The in-app browsers come first: their User-Agents also carry the Chrome or
// Safari tokens of the engine underneath.
//
// Pure, allocation-free and thread-safe. Names are stable: they are what
// storage keeps and the reports show.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sequencial::clicks {

enum class Device : std::uint8_t { kAndroid, kIos, kWindows, kMacos, kLinux, kOther };

enum class Browser : std::uint8_t {
  kChrome,
  kSafari,
  kFirefox,
  kEdge,
  kSamsung,
  kOpera,
  kInstagram,
  kFacebook,
  kTiktok,
  kOther,
};

[[nodiscard]] Device classify_device(std::string_view user_agent) noexcept;
[[nodiscard]] Browser classify_browser(std::string_view user_agent) noexcept;

// "android", "ios", "windows", "macos", "linux", "other".
[[nodiscard]] const char* device_name(Device device) noexcept;
// "chrome", "safari", "firefox", "edge", "samsung", "opera", "instagram",
// "facebook", "tiktok", "other".
[[nodiscard]] const char* browser_name(Browser browser) noexcept;

// The inverse of the *_name functions (exact, lowercase); nullopt for any
// other text.
[[nodiscard]] std::optional<Device> device_from_name(std::string_view name) noexcept;
[[nodiscard]] std::optional<Browser> browser_from_name(std::string_view name) noexcept;

// The host of an absolute http:// or https:// Referer, as written (a view into
// `referer`), without user info, port, trailing dot or a leading "www.":
//   "https://www.google.com/search?q=x"  -> "google.com"
//   "https://m.facebook.com:443/x"       -> "m.facebook.com"
// Empty when the header is empty, not http(s) (e.g. the "android-app://..."
// referrers Android apps send: reported as direct), or has no valid host
// (letters, digits, '-', '.', '_' or a bracketed IPv6 literal).
// Browsers send hosts lowercase; other clients may not: use
// assign_referrer_domain() when the result is stored.
[[nodiscard]] std::string_view referrer_domain(std::string_view referer) noexcept;

// referrer_domain() lowercased into `out` (replacing its contents; reuses its
// capacity).
void assign_referrer_domain(std::string& out, std::string_view referer);

}  // namespace sequencial::clicks

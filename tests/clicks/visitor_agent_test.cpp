// Tests of the device/browser/referrer buckets against User-Agent strings
// that real browsers and in-app web views send.
#include "clicks/visitor_agent.h"
#include "storage/store.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace sequencial::clicks {
namespace {

struct AgentCase {
  const char* label;
  std::string_view user_agent;
  Device device;
  Browser browser;
};

constexpr AgentCase kAgents[] = {
    {"Android Chrome",
     "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/120.0.0.0 Mobile Safari/537.36",
     Device::kAndroid, Browser::kChrome},
    {"Samsung Internet",
     "Mozilla/5.0 (Linux; Android 13; SAMSUNG SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) "
     "SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile Safari/537.36",
     Device::kAndroid, Browser::kSamsung},
    {"Android Firefox", "Mozilla/5.0 (Android 14; Mobile; rv:121.0) Gecko/121.0 Firefox/121.0",
     Device::kAndroid, Browser::kFirefox},
    {"Android Edge",
     "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/120.0.0.0 Mobile Safari/537.36 EdgA/120.0.0.0",
     Device::kAndroid, Browser::kEdge},
    {"Android Opera",
     "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/119.0.0.0 Mobile Safari/537.36 OPR/79.2.4195.76783",
     Device::kAndroid, Browser::kOpera},
    {"Android WebView (Gmail)",
     "Mozilla/5.0 (Linux; Android 13; Pixel 7 Build/TQ3A.230901.001; wv) AppleWebKit/537.36 "
     "(KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36",
     Device::kAndroid, Browser::kOther},
    {"iPhone Safari",
     "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
     "Gecko) Version/17.1.2 Mobile/15E148 Safari/604.1",
     Device::kIos, Browser::kSafari},
    {"iPad Safari",
     "Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "Version/16.6 Mobile/15E148 Safari/604.1",
     Device::kIos, Browser::kSafari},
    {"iPad Safari, desktop mode",
     "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "Version/17.1 Mobile/15E148 Safari/604.1",
     Device::kIos, Browser::kSafari},
    {"iPhone Chrome",
     "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
     "Gecko) CriOS/120.0.6099.119 Mobile/15E148 Safari/604.1",
     Device::kIos, Browser::kChrome},
    {"iPhone Firefox",
     "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
     "Gecko) FxiOS/121.0 Mobile/15E148 Safari/605.1.15",
     Device::kIos, Browser::kFirefox},
    {"iPhone Edge",
     "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
     "Gecko) Version/17.0 EdgiOS/120.0.2210.116 Mobile/15E148 Safari/605.1.15",
     Device::kIos, Browser::kEdge},
    {"iPhone Google app",
     "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
     "Gecko) GSA/293.0.594352015 Mobile/15E148 Safari/604.1",
     Device::kIos, Browser::kOther},
    {"Instagram on iOS",
     "Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
     "Gecko) Mobile/15E148 Instagram 302.0.0.23.114 (iPhone14,5; iOS 16_6; pt_BR; pt; "
     "scale=3.00; 1170x2532; 517238374)",
     Device::kIos, Browser::kInstagram},
    {"Instagram on Android",
     "Mozilla/5.0 (Linux; Android 13; SM-A515F Build/TP1A.220624.014; wv) AppleWebKit/537.36 "
     "(KHTML, like Gecko) Version/4.0 Chrome/119.0.6045.163 Mobile Safari/537.36 Instagram "
     "309.1.0.41.113 Android (33/13; 420dpi; 1080x2186; samsung; SM-A515F; a51; exynos9611; "
     "pt_BR; 541635890)",
     Device::kAndroid, Browser::kInstagram},
    {"Facebook on iOS",
     "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
     "Gecko) Mobile/15E148 [FBAN/FBIOS;FBDV/iPhone13,2;FBMD/iPhone;FBSN/iOS;FBSV/17.1.2;FBSS/3;"
     "FBID/phone;FBLC/pt_BR;FBOP/5;FBRV/0]",
     Device::kIos, Browser::kFacebook},
    {"Facebook on Android",
     "Mozilla/5.0 (Linux; Android 12; SM-G991B Build/SP1A.210812.016; wv) AppleWebKit/537.36 "
     "(KHTML, like Gecko) Version/4.0 Chrome/119.0.6045.163 Mobile Safari/537.36 "
     "[FB_IAB/FB4A;FBAV/442.0.0.39.118;]",
     Device::kAndroid, Browser::kFacebook},
    {"TikTok on Android",
     "Mozilla/5.0 (Linux; Android 14; Pixel 7 Build/UP1A.231005.007; wv) AppleWebKit/537.36 "
     "(KHTML, like Gecko) Version/4.0 Chrome/125.0.0.0 Mobile Safari/537.36 trill_340002 "
     "JsSdk/1.0 NetType/WIFI Channel/googleplay AppName/musical_ly app_version/34.0.2 "
     "ByteLocale/en ByteFullLocale/en Region/US BytedanceWebview/d8a21c6",
     Device::kAndroid, Browser::kTiktok},
    {"TikTok on iOS",
     "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
     "Gecko) Mobile/15E148 musical_ly_34.0.0 JsSdk/2.0 NetType/WIFI Channel/App Store "
     "ByteLocale/en Region/US",
     Device::kIos, Browser::kTiktok},
    {"Chrome on Windows",
     "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/120.0.0.0 Safari/537.36",
     Device::kWindows, Browser::kChrome},
    {"Chrome on macOS",
     "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/120.0.0.0 Safari/537.36",
     Device::kMacos, Browser::kChrome},
    {"Chrome on Linux",
     "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/120.0.0.0 Safari/537.36",
     Device::kLinux, Browser::kChrome},
    {"Chrome on ChromeOS",
     "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/120.0.0.0 Safari/537.36",
     Device::kLinux, Browser::kChrome},
    {"Firefox on Windows",
     "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0",
     Device::kWindows, Browser::kFirefox},
    {"Firefox on Linux",
     "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0",
     Device::kLinux, Browser::kFirefox},
    {"Firefox on macOS",
     "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:121.0) Gecko/20100101 Firefox/121.0",
     Device::kMacos, Browser::kFirefox},
    {"Edge on Windows",
     "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/120.0.0.0 Safari/537.36 Edg/120.0.0.0",
     Device::kWindows, Browser::kEdge},
    {"Safari on macOS",
     "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "Version/17.2 Safari/605.1.15",
     Device::kMacos, Browser::kSafari},
    {"Opera on Windows",
     "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/120.0.0.0 Safari/537.36 OPR/106.0.0.0",
     Device::kWindows, Browser::kOpera},
    {"Opera Mini (Presto)",
     "Opera/9.80 (J2ME/MIDP; Opera Mini/9.80 (S60; SymbOS; Opera Mobi/23.348; U; en) "
     "Presto/2.5.25 Version/10.54",
     Device::kOther, Browser::kOpera},
    {"Windows Phone Edge",
     "Mozilla/5.0 (Windows Phone 10.0; Android 6.0.1; Microsoft; Lumia 950) AppleWebKit/537.36 "
     "(KHTML, like Gecko) Chrome/52.0.2743.116 Mobile Safari/537.36 Edge/15.15063",
     Device::kOther, Browser::kEdge},
    {"empty", "", Device::kOther, Browser::kOther},
    {"curl", "curl/7.88.1", Device::kOther, Browser::kOther},
    {"Go client", "Go-http-client/1.1", Device::kOther, Browser::kOther},
};

TEST(VisitorAgentTest, ClassifiesRealUserAgents) {
  for (const AgentCase& c : kAgents) {
    EXPECT_EQ(device_name(classify_device(c.user_agent)), std::string_view(device_name(c.device)))
        << c.label;
    EXPECT_EQ(browser_name(classify_browser(c.user_agent)),
              std::string_view(browser_name(c.browser)))
        << c.label;
  }
}

TEST(VisitorAgentTest, NamesRoundTrip) {
  for (const Device d : {Device::kAndroid, Device::kIos, Device::kWindows, Device::kMacos,
                         Device::kLinux, Device::kOther}) {
    EXPECT_EQ(device_from_name(device_name(d)), d) << device_name(d);
  }
  for (const Browser b : {Browser::kChrome, Browser::kSafari, Browser::kFirefox, Browser::kEdge,
                          Browser::kSamsung, Browser::kOpera, Browser::kInstagram,
                          Browser::kFacebook, Browser::kTiktok, Browser::kOther}) {
    EXPECT_EQ(browser_from_name(browser_name(b)), b) << browser_name(b);
  }
  EXPECT_EQ(std::string_view(device_name(Device::kIos)), "ios");
  EXPECT_EQ(std::string_view(device_name(Device::kMacos)), "macos");
  EXPECT_EQ(std::string_view(browser_name(Browser::kTiktok)), "tiktok");
  EXPECT_EQ(std::string_view(browser_name(Browser::kSamsung)), "samsung");
}

TEST(VisitorAgentTest, UnknownNamesAreRejected) {
  EXPECT_FALSE(device_from_name(""));
  EXPECT_FALSE(device_from_name("Android"));  // exact, lowercase
  EXPECT_FALSE(device_from_name("chromeos"));
  EXPECT_FALSE(browser_from_name("whatsapp"));
  EXPECT_FALSE(browser_from_name("chrome "));
}

struct ReferrerCase {
  std::string_view referer;
  std::string_view domain;
};

constexpr ReferrerCase kReferrers[] = {
    {"https://www.google.com/search?q=x", "google.com"},
    {"https://www.google.com.br/", "google.com.br"},
    {"http://l.instagram.com/?u=https%3A%2F%2Fzap.loja.com.br%2Fx&e=AT0", "l.instagram.com"},
    {"https://m.facebook.com:443/x", "m.facebook.com"},
    {"https://lm.facebook.com", "lm.facebook.com"},
    {"https://t.co?x=1", "t.co"},
    {"https://www.tiktok.com#frag", "tiktok.com"},
    {"HTTPS://WWW.Example.COM/path", "Example.COM"},  // as written; see the lowercase test
    {"https://user:pass@www.example.com:8080/", "example.com"},
    {"https://example.com./", "example.com"},
    {"http://192.168.0.10:8080/page", "192.168.0.10"},
    {"http://[2001:db8::1]:8080/x", "[2001:db8::1]"},
    {"  https://duckduckgo.com/  ", "duckduckgo.com"},
    {"https://www./", "www"},                      // the prefix alone stays
    {"android-app://com.google.android.gm/", ""},  // an Android app: reported as direct
    {"ftp://example.com/", ""},
    {"//example.com/", ""},
    {"example.com", ""},
    {"https://", ""},
    {"https:///path", ""},
    {"https://exa mple.com/", ""},
    {"https://example.com:80a/", ""},
    {"https://example.com:1234567/", ""},
    {"https://[::1/", ""},
    {"https://ex%41mple.com/", ""},
    {"https://.example.com/", ""},
    {"https://example..com/", ""},
    {"not a url at all \x01\xff", ""},
    {"", ""},
};

TEST(VisitorAgentTest, ReferrerDomain) {
  for (const ReferrerCase& c : kReferrers) {
    EXPECT_EQ(referrer_domain(c.referer), c.domain) << c.referer;
  }
}

TEST(VisitorAgentTest, ReferrerDomainIsAViewIntoTheHeader) {
  const std::string_view header = "https://www.google.com/search?q=x";
  const std::string_view domain = referrer_domain(header);
  ASSERT_EQ(domain, "google.com");
  EXPECT_EQ(domain.data(), header.data() + 12);
}

TEST(VisitorAgentTest, AssignReferrerDomainLowercases) {
  std::string out = "previous value";
  assign_referrer_domain(out, "HTTPS://WWW.Example.COM/path");
  EXPECT_EQ(out, "example.com");
  assign_referrer_domain(out, "android-app://com.google.android.gm/");
  EXPECT_EQ(out, "");
}

TEST(VisitorAgentTest, LongHostIsRejected) {
  const std::string referer = "https://" + std::string(254, 'a') + "/";
  EXPECT_EQ(referrer_domain(referer), "");
  const std::string ok = "https://" + std::string(253, 'a') + "/";
  EXPECT_EQ(referrer_domain(ok).size(), 253U);
}

}  // namespace
}  // namespace sequencial::clicks

// Tests for routing/request_kind.h (docs/PRODUCT.md, rule 5) with real User-Agent strings.
#include "routing/request_kind.h"

#include <gtest/gtest.h>

#include <string>

namespace sequencial::routing {
namespace {

struct AgentCase {
  const char* name;
  const char* user_agent;
};

// People: browsers and in-app browsers that must be sent to WhatsApp.
const AgentCase kPeople[] = {
    {"Android Chrome",
     "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/120.0.0.0 Mobile Safari/537.36"},
    {"Android Samsung Internet",
     "Mozilla/5.0 (Linux; Android 13; SAMSUNG SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) "
     "SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile Safari/537.36"},
    {"Android Chrome on a Cubot phone",
     "Mozilla/5.0 (Linux; Android 11; CUBOT X30) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/119.0.6045.163 Mobile Safari/537.36"},
    {"iPhone Safari",
     "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
     "Gecko) Version/17.1 Mobile/15E148 Safari/604.1"},
    {"iPhone Chrome",
     "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
     "Gecko) CriOS/119.0.6045.169 Mobile/15E148 Safari/604.1"},
    {"Instagram in-app iOS",
     "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0_3 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
     "Gecko) Mobile/15E148 Instagram 307.0.2.19.118 (iPhone14,5; iOS 17_0_3; pt_BR; pt; "
     "scale=3.00; 1170x2532; 531186457)"},
    {"Instagram in-app Android",
     "Mozilla/5.0 (Linux; Android 13; SM-A536E Build/TP1A.220624.014; wv) AppleWebKit/537.36 "
     "(KHTML, like Gecko) Version/4.0 Chrome/119.0.6045.163 Mobile Safari/537.36 Instagram "
     "308.0.0.36.109 Android (33/13; 450dpi; 1080x2177; samsung; SM-A536E; a53x; s5e8825; pt_BR; "
     "533450710)"},
    {"Facebook in-app iOS (FBAN/FBIOS)",
     "Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
     "Gecko) Mobile/15E148 [FBAN/FBIOS;FBDV/iPhone13,2;FBMD/iPhone;FBSN/iOS;FBSV/16.6;FBSS/3;"
     "FBID/phone;FBLC/pt_BR;FBOP/5;FBRV/0]"},
    {"Facebook in-app Android (FB_IAB)",
     "Mozilla/5.0 (Linux; Android 14; SM-A146U Build/UP1A.231005.007; wv) AppleWebKit/537.36 "
     "(KHTML, like Gecko) Version/4.0 Chrome/122.0.6261.88 Mobile Safari/537.36 "
     "[FB_IAB/FB4A;FBAV/453.0.0.40.107;]"},
    {"Messenger in-app iOS",
     "Mozilla/5.0 (iPhone; CPU iPhone OS 16_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
     "Gecko) Mobile/15E148 [FBAN/MessengerForiOS;FBAV/416.0.0.34.107;FBBV/123;FBDV/iPhone12,1;"
     "FBMD/iPhone;FBSN/iOS;FBSV/16.5;FBSS/2;FBCR/;FBID/phone;FBLC/pt_BR;FBOP/5]"},
    {"LINE in-app",
     "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
     "Gecko) Mobile/15E148 Safari Line/13.17.0"},
    {"Snapchat in-app",
     "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
     "Gecko) Mobile/15E148 Snapchat/12.60.0.41 (like Safari/8616.2.9.10.8, panda)"},
    {"TikTok in-app",
     "Mozilla/5.0 (Linux; Android 12; moto g(60) Build/S2RIS32.32-20-7-4; wv) AppleWebKit/537.36 "
     "(KHTML, like Gecko) Version/4.0 Chrome/119.0.6045.66 Mobile Safari/537.36 "
     "trill_2023109040 JsSdk/1.0 NetType/WIFI Channel/googleplay AppName/musical_ly "
     "app_version/31.9.4 ByteLocale/pt-BR ByteFullLocale/pt-BR Region/BR"},
    {"desktop Chrome",
     "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/120.0.0.0 Safari/537.36"},
    {"desktop Firefox",
     "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0"},
    {"desktop Edge",
     "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/120.0.0.0 Safari/537.36 Edg/120.0.2210.61"},
    {"desktop Safari",
     "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "Version/17.1 Safari/605.1.15"},
    {"Linux Firefox", "Mozilla/5.0 (X11; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/115.0"},
    {"curl", "curl/7.88.1"},
    {"wget", "Wget/1.21.3"},
    {"empty", ""},
};

// Link-preview fetchers and crawlers.
const AgentCase kCrawlers[] = {
    {"WhatsApp Android", "WhatsApp/2.23.20.0 A"},
    {"WhatsApp iOS", "WhatsApp/2.23.20.0 i"},
    {"facebookexternalhit",
     "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)"},
    {"iMessage",
     "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_1) AppleWebKit/601.2.4 (KHTML, "
     "like Gecko) Version/9.0.1 Safari/601.2.4 facebookexternalhit/1.1 Facebot "
     "Twitterbot/1.0"},
    {"Twitterbot", "Twitterbot/1.0"},
    {"TelegramBot", "TelegramBot (like TwitterBot)"},
    {"Slackbot", "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)"},
    {"Slack image proxy", "Slack-ImgProxy (+https://api.slack.com/robots)"},
    {"LinkedInBot",
     "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)"},
    {"Discordbot", "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)"},
    {"Googlebot", "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"},
    {"Googlebot smartphone",
     "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like "
     "Gecko) Chrome/120.0.6099.71 Mobile Safari/537.36 (compatible; Googlebot/2.1; "
     "+http://www.google.com/bot.html)"},
    {"bingbot", "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)"},
    {"Applebot",
     "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_5) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "Version/13.1.1 Safari/605.1.15 (Applebot/0.1; +http://www.apple.com/go/applebot)"},
    {"Pinterest", "Pinterest/0.2 (+https://www.pinterest.com/bot.html)"},
    {"Snapchat preview",
     "Snap URL Preview Service; bot; snapchat; https://developers.snap.com/robots"},
    {"Skype/Teams", "Mozilla/5.0 (Windows NT 6.1; WOW64) SkypeUriPreview Preview/0.5"},
    {"GPTBot",
     "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.0; "
     "+https://openai.com/gptbot)"},
    {"upper case", "MOZILLA/5.0 (COMPATIBLE; GOOGLEBOT/2.1)"},
};

// Every field spelled out: g++ 12 warns on designated initializers that skip
// members without default initializers.
RequestTraits request(std::string_view method, std::string_view user_agent = {},
                      std::string_view sec_purpose = {}, std::string_view purpose = {},
                      std::string_view x_moz = {}) {
  return RequestTraits{.method = method,
                       .user_agent = user_agent,
                       .sec_purpose = sec_purpose,
                       .purpose = purpose,
                       .x_moz = x_moz};
}

RequestTraits get_with_agent(const char* user_agent) { return request("GET", user_agent); }

TEST(ClassifyRequest, PeopleAreClicks) {
  for (const AgentCase& c : kPeople) {
    EXPECT_FALSE(is_preview_agent(c.user_agent)) << c.name;
    EXPECT_EQ(classify_request(get_with_agent(c.user_agent)), RequestKind::kClick) << c.name;
  }
}

TEST(ClassifyRequest, CrawlersArePreviews) {
  for (const AgentCase& c : kCrawlers) {
    EXPECT_TRUE(is_preview_agent(c.user_agent)) << c.name;
    EXPECT_EQ(classify_request(get_with_agent(c.user_agent)), RequestKind::kPreview) << c.name;
  }
}

TEST(ClassifyRequest, HeadWinsOverEverything) {
  for (const AgentCase& c : kPeople) {
    EXPECT_EQ(classify_request(request("HEAD", c.user_agent)), RequestKind::kHead) << c.name;
  }
  EXPECT_EQ(classify_request(request("HEAD", "WhatsApp/2.23.20.0 A")), RequestKind::kHead);
  EXPECT_EQ(classify_request(request("HEAD", "", "prefetch")), RequestKind::kHead);
}

TEST(ClassifyRequest, Prefetch) {
  const char* chrome = kPeople[0].user_agent;
  const RequestTraits prefetches[] = {
      request("GET", chrome, "prefetch"),
      request("GET", chrome, "prefetch;prerender"),
      request("GET", chrome, "prefetch; anonymous-client-ip"),
      request("GET", chrome, "Prefetch"),
      request("GET", chrome, "", "prefetch"),
      request("GET", chrome, "", " Prefetch "),
      request("GET", chrome, "", "", "prefetch"),
      // A crawler that prefetches is still not a click; prefetch is checked first.
      request("GET", "WhatsApp/2.23.20.0 A", "", "prefetch"),
  };
  for (const RequestTraits& traits : prefetches) {
    EXPECT_EQ(classify_request(traits), RequestKind::kPrefetch)
        << traits.sec_purpose << "|" << traits.purpose << "|" << traits.x_moz;
  }
  EXPECT_EQ(classify_request(request("GET", chrome, "", "preview")), RequestKind::kClick);
  EXPECT_EQ(classify_request(request("GET", chrome, "", "", "other")), RequestKind::kClick);
}

TEST(ClassifyRequest, PlainGetIsClick) {
  EXPECT_EQ(classify_request(request("GET")), RequestKind::kClick);
}

TEST(PreviewAgentTokens, ListIsSaneAndEveryTokenMatches) {
  const auto tokens = preview_agent_tokens();
  ASSERT_GE(tokens.size(), 20u);
  for (const std::string_view token : tokens) {
    EXPECT_FALSE(token.empty());
    const std::string agent = "Mozilla/5.0 (compatible; " + std::string(token) + "/1.0)";
    EXPECT_TRUE(is_preview_agent(agent)) << token;
  }
}

TEST(IsPreviewAgent, VeryLongAgentsStillMatch) {
  // Longer than any real User-Agent: exercises the path without the stack buffer.
  const std::string padding(5000, 'x');
  EXPECT_TRUE(is_preview_agent(padding + " facebookexternalhit/1.1"));
  EXPECT_TRUE(is_preview_agent("FACEBOOKEXTERNALHIT/1.1 " + padding));
  EXPECT_FALSE(is_preview_agent(padding + " Chrome/120.0.0.0"));
}

}  // namespace
}  // namespace sequencial::routing

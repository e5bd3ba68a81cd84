// Tests for core/validation.h: phones, slugs, UTF-8 text limits and image URLs.
#include "core/validation.h"

#include "core/phone.h"

#include <gtest/gtest.h>

#include <string>

namespace sequencial {
namespace {

constexpr char kPhoneCharsMessage[] =
    "phone may contain only digits, spaces, ( ) - . and a leading +";
constexpr char kPhoneDigitsMessage[] = "phone must have 8 to 15 digits including the country code";

TEST(NormalizePhone, AcceptsCommonForms) {
  const std::pair<const char*, const char*> cases[] = {
      {"+55 (11) 99999-0001", "5511999990001"}, {"5511999990001", "5511999990001"},
      {"+5511999990001", "5511999990001"},      {"55.11.99999.0001", "5511999990001"},
      {"  +1 (415) 555-0100 ", "14155550100"},  {"+351 912 345 678", "351912345678"},
      {"+55 11 3333-0000", "551133330000"},  // a landline: 8 digits after the DDD
      {"+54 9 11 2345-6789", "5491123456789"},
  };
  for (const auto& [input, expected] : cases) {
    const Result<std::string> phone = normalize_phone(input);
    ASSERT_TRUE(phone.has_value()) << input << ": " << phone.error().message;
    EXPECT_EQ(*phone, expected) << input;
  }
}

TEST(NormalizePhone, RejectsWrongDigitCount) {
  for (const char* input :
       {"", "+", "1234567", "+55 (11) 999", "1234567890123456", "+55 11 99999 0001 2345"}) {
    const Result<std::string> phone = normalize_phone(input);
    ASSERT_FALSE(phone.has_value()) << input;
    EXPECT_EQ(phone.error().code, ErrorCode::kInvalid);
    EXPECT_EQ(phone.error().field, "phone");
    EXPECT_EQ(phone.error().message, kPhoneDigitsMessage) << input;
  }
}

TEST(NormalizePhone, RejectsNumbersTheirCountryCannotHave) {
  // No DDD, a DDD that does not exist, too short a mobile, unknown country codes.
  for (const char* input : {"+55 99999-1234", "+55 (00) 99999-1234", "+55 11 9999-123", "12345678",
                            "123456789012345", "+999 1234 5678"}) {
    const Result<std::string> phone = normalize_phone(input);
    ASSERT_FALSE(phone.has_value()) << input;
    EXPECT_EQ(phone.error().code, ErrorCode::kInvalid);
    EXPECT_EQ(phone.error().field, "phone") << input;
  }
}

TEST(CheckPhoneNumber, FormatsPerCountry) {
  const Result<PhoneInfo> br = check_phone_number("5511999990001");
  ASSERT_TRUE(br.has_value());
  EXPECT_EQ(br->digits, "5511999990001");
  EXPECT_EQ(br->formatted, "+55 11 99999-0001");
  EXPECT_EQ(br->region, "BR");
  const Result<PhoneInfo> pt = check_phone_number("351912345678");
  ASSERT_TRUE(pt.has_value());
  EXPECT_EQ(pt->formatted, "+351 912 345 678");
  EXPECT_EQ(pt->region, "PT");
  EXPECT_FALSE(check_phone_number("559999991234").has_value());
}

TEST(NormalizePhone, RejectsOtherCharacters) {
  for (const char* input : {"55 11 9999A-0001", "55-11-99999-0001+", "55+11999990001",
                            "++5511999990001", "(+55) 11 99999-0001", "5511999990001\t",
                            "tel:5511999990001", "55/11/999990001", "5511999990001x"}) {
    const Result<std::string> phone = normalize_phone(input);
    ASSERT_FALSE(phone.has_value()) << input;
    EXPECT_EQ(phone.error().field, "phone");
    EXPECT_EQ(phone.error().message, kPhoneCharsMessage) << input;
  }
  // Non-ASCII digits and spaces (U+0661 ARABIC-INDIC ONE, U+00A0 NBSP).
  EXPECT_FALSE(normalize_phone("\xD9\xA1\xD9\xA1 5511999990001").has_value());
  EXPECT_FALSE(normalize_phone("55\xC2\xA0"
                               "11999990001")
                   .has_value());
}

TEST(ValidateSlug, AcceptsPattern) {
  for (const char* slug : {"joao", "minhacentral", "A", "a-b_c", "Loja-2024", "_", "-", "0", "apis",
                           "adminx", "my-api"}) {
    EXPECT_TRUE(validate_slug(slug).has_value()) << slug;
  }
  EXPECT_TRUE(validate_slug(std::string(64, 'a')).has_value());
}

TEST(ValidateSlug, RejectsBadShape) {
  const std::string too_long(65, 'a');
  for (const std::string& slug : std::initializer_list<std::string>{
           "", too_long, "jo ao", "joão", "a/b", "a.b", "a?b", "a%20b", "a+b", "ação",
           "\xF0\x9F\x8E\x89", "a\nb", std::string("a\0b", 3)}) {
    const Result<void> result = validate_slug(slug);
    ASSERT_FALSE(result.has_value()) << slug;
    EXPECT_EQ(result.error().code, ErrorCode::kInvalid);
    EXPECT_EQ(result.error().field, "slug");
    EXPECT_EQ(result.error().message, "slug must match [A-Za-z0-9_-]{1,64}");
  }
}

TEST(ValidateSlug, RejectsReservedInAnyCase) {
  for (const char* slug :
       {"api", "API", "Api", "admin", "ADMIN", "static", "assets", "healthz", "readyz", "Metrics",
        "login", "logout", "docs", "qr", "s", "S", "well-known"}) {
    const Result<void> result = validate_slug(slug);
    ASSERT_FALSE(result.has_value()) << slug;
    EXPECT_EQ(result.error().field, "slug");
    EXPECT_EQ(result.error().message, "slug \"" + std::string(slug) + "\" is reserved");
  }
  for (const char* path :
       {"favicon.ico", "robots.txt", "openapi.json", ".well-known", "FAVICON.ICO", "Robots.TXT"}) {
    EXPECT_TRUE(is_reserved_slug(path)) << path;
    EXPECT_FALSE(validate_slug(path).has_value()) << path;
  }
  EXPECT_FALSE(is_reserved_slug("joao"));
  EXPECT_FALSE(is_reserved_slug("apis"));
  EXPECT_FALSE(is_reserved_slug(""));
}

TEST(SlugKey, LowercasesAsciiOnly) {
  EXPECT_EQ(slug_key("MinhaCentral-01_X"), "minhacentral-01_x");
  EXPECT_EQ(slug_key("joao"), "joao");
  EXPECT_EQ(slug_key(""), "");
  EXPECT_EQ(slug_key("\xC3\x89"), "\xC3\x89");  // É is left alone: slugs are ASCII
}

struct Utf8Case {
  const char* name;
  std::string bytes;
  long length;  // -1: invalid
};

TEST(Utf8Length, ValidityTable) {
  const Utf8Case cases[] = {
      {"empty", "", 0},
      {"ascii", "Ola", 3},
      {"accents", "Ol\xC3\xA1, a\xC3\xA7\xC3\xA3o", 9},  // Olá, ação
      {"two-byte min U+0080", "\xC2\x80", 1},
      {"three-byte U+20AC", "\xE2\x82\xAC", 1},
      {"U+D7FF before surrogates", "\xED\x9F\xBF", 1},
      {"U+E000 after surrogates", "\xEE\x80\x80", 1},
      {"U+FFFF", "\xEF\xBF\xBF", 1},
      {"emoji U+1F389", "\xF0\x9F\x8E\x89", 1},
      {"U+10FFFF max", "\xF4\x8F\xBF\xBF", 1},
      {"NUL is valid UTF-8", std::string("a\0b", 3), 3},
      {"overlong C0 80", "\xC0\x80", -1},
      {"overlong C1 BF", "\xC1\xBF", -1},
      {"overlong E0 80 80", "\xE0\x80\x80", -1},
      {"overlong E0 9F BF", "\xE0\x9F\xBF", -1},
      {"overlong F0 80 80 80", "\xF0\x80\x80\x80", -1},
      {"overlong F0 8F BF BF", "\xF0\x8F\xBF\xBF", -1},
      {"surrogate ED A0 80", "\xED\xA0\x80", -1},
      {"surrogate ED BF BF", "\xED\xBF\xBF", -1},
      {"above U+10FFFF F4 90 80 80", "\xF4\x90\x80\x80", -1},
      {"F5 lead", "\xF5\x80\x80\x80", -1},
      {"F8 lead", "\xF8\x88\x80\x80\x80", -1},
      {"FF byte", "\xFF", -1},
      {"lone continuation", "\x80", -1},
      {"truncated 2-byte", "\xC3", -1},
      {"truncated 3-byte", "a\xE2\x82", -1},
      {"truncated 4-byte", "\xF0\x9F\x8E", -1},
      {"interrupted sequence",
       "\xE2\x82"
       "A",
       -1},
      {"latin-1 not UTF-8", "Ol\xE1", -1},
  };
  for (const Utf8Case& c : cases) {
    EXPECT_EQ(utf8_length(c.bytes), c.length) << c.name;
  }
}

TEST(ValidateMessage, RejectsInvalidUtf8AndNul) {
  for (const std::string& bad : {std::string("\xC0\x80"), std::string("\xED\xA0\x80"),
                                 std::string("\xF4\x90\x80\x80"), std::string("ok\xF0\x9F")}) {
    const Result<void> result = validate_message(bad);
    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.error().field, "message");
    EXPECT_EQ(result.error().message, "message must be valid UTF-8");
  }
  const Result<void> nul = validate_message(std::string("Ol\0a", 4));
  ASSERT_FALSE(nul.has_value());
  EXPECT_EQ(nul.error().field, "message");
}

TEST(ValidateMessage, CountsCodePointsNotBytes) {
  const std::string accent = "\xC3\xA1";         // á: 2 bytes
  const std::string emoji = "\xF0\x9F\x8E\x89";  // 🎉: 4 bytes
  std::string message;
  for (int i = 0; i < 500; ++i) message += accent;
  for (int i = 0; i < 500; ++i) message += emoji;
  ASSERT_EQ(message.size(), 3000u);
  EXPECT_TRUE(validate_message(message).has_value());  // 1000 characters

  message += "!";
  const Result<void> result = validate_message(message);  // 1001 characters
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().field, "message");
  EXPECT_EQ(result.error().message, "message must be at most 1000 characters");

  EXPECT_TRUE(validate_message("").has_value());
  EXPECT_TRUE(validate_message("Ol\xC3\xA1! Vim pelo site\n{utm_source}").has_value());
}

TEST(ValidateLabel, TwoHundredCharacters) {
  std::string label;
  for (int i = 0; i < 200; ++i) label += "\xE2\x80\x94";  // em dash
  EXPECT_TRUE(validate_label(label).has_value());
  label += "x";
  const Result<void> result = validate_label(label);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().field, "label");
  EXPECT_EQ(result.error().message, "label must be at most 200 characters");
  EXPECT_EQ(validate_label("\xFF").error().message, "label must be valid UTF-8");
  EXPECT_TRUE(validate_label("Jo\xC3\xA3o \xE2\x80\x94 vendas").has_value());
}

TEST(ValidateText, UsesFieldAndLimit) {
  const Result<void> result = validate_text("abcd", "preview_title", 3);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().field, "preview_title");
  EXPECT_EQ(result.error().message, "preview_title must be at most 3 characters");
  EXPECT_TRUE(validate_text("abc", "preview_title", 3).has_value());
}

TEST(ValidateImageUrl, AcceptsHttpUrls) {
  for (const char* url :
       {"", "https://cdn.example.com/og.png", "http://example.com/a.jpg?x=1&y=2",
        "HTTPS://EXAMPLE.COM/A.PNG", "https://example.com/imagem-\xC3\xA7.png", "https://h"}) {
    EXPECT_TRUE(validate_image_url(url).has_value()) << url;
  }
  EXPECT_TRUE(validate_image_url("https://e.com/" + std::string(2048 - 14, 'a')).has_value());
}

TEST(ValidateImageUrl, RejectsOthers) {
  for (const std::string& url : std::initializer_list<std::string>{
           "javascript:alert(1)", "data:image/png;base64,AAAA", "ftp://example.com/a.png",
           "//example.com/a.png", "/og.png", "example.com/og.png", "https://", "http:///x",
           "https://exa mple.com/a.png", "https://example.com/a.png\n", "https://e.com/\x7F",
           "https://e.com/\xC3", " https://example.com/a.png",
           "https://e.com/" + std::string(2048 - 13, 'a')}) {
    const Result<void> result = validate_image_url(url);
    ASSERT_FALSE(result.has_value()) << url;
    EXPECT_EQ(result.error().code, ErrorCode::kInvalid);
    EXPECT_EQ(result.error().field, "preview_image");
  }
}

TEST(NormalizeRegion, AcceptsCountriesSubdivisionsAndCities) {
  EXPECT_EQ(*normalize_region("BR", "f"), "BR");
  EXPECT_EQ(*normalize_region("br", "f"), "BR");
  EXPECT_EQ(*normalize_region("br-sp", "f"), "BR-SP");
  EXPECT_EQ(*normalize_region("US-CA", "f"), "US-CA");
  EXPECT_EQ(*normalize_region("FR-75C", "f"), "FR-75C");
  EXPECT_EQ(*normalize_region("BR-SP/Campinas", "f"), "BR-SP/Campinas");
  EXPECT_EQ(*normalize_region("br-sp/ São Paulo ", "f"), "BR-SP/São Paulo");
  EXPECT_EQ(*normalize_region("PT/Lisboa", "f"), "PT/Lisboa");
}

TEST(NormalizeRegion, RefusesOthersNamingTheField) {
  for (const char* bad : {"", "B", "BRA", "B1", "BR-", "BR-SPXX", "BR_SP", "BR-S P", "BR-SP/",
                          "BR-SP/  ", "BR-SP/a/b", "/Campinas", "BR-SP/\x01x", "12"}) {
    auto r = normalize_region(bad, "members[1].regions[2]");
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalid);
    EXPECT_EQ(r.error().field, "members[1].regions[2]");
  }
  EXPECT_FALSE(normalize_region("BR-SP/" + std::string(101, 'a'), "f"));
  EXPECT_FALSE(normalize_region("BR-SP/\xC3", "f"));  // not UTF-8
}

}  // namespace
}  // namespace sequencial

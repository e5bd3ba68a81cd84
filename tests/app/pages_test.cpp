// Tests of the public HTML pages: escaping and language.
#include "app/pages.h"

#include <gtest/gtest.h>

namespace sequencial::app {
namespace {

TEST(PagesTest, PreviewPageEscapesUserText) {
  Link link;
  link.slug = "joao";
  link.label = "<script>alert(1)</script>";
  link.preview_description = "\"quoted\" & more";
  const std::string html = preview_page(link, "https://zap.example");
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  EXPECT_NE(html.find("og:title\" content=\"&lt;script&gt;alert(1)&lt;/script&gt;\""),
            std::string::npos);
  EXPECT_NE(html.find("&quot;quoted&quot; &amp; more"), std::string::npos);
  EXPECT_NE(html.find("og:url\" content=\"https://zap.example/joao\""), std::string::npos);
}

TEST(PagesTest, LanguageFromAcceptLanguage) {
  EXPECT_EQ(pick_language(""), Language::kPtBr);
  EXPECT_EQ(pick_language("pt-BR,pt;q=0.9,en;q=0.8"), Language::kPtBr);
  EXPECT_EQ(pick_language("en-US,en;q=0.9"), Language::kEn);
}

TEST(PagesTest, ClosedPageListsMergedHoursAndButton) {
  Schedule a;
  a.tz = "America/Sao_Paulo";
  a.week[1] = {{540, 720}};
  Schedule b = a;
  b.week[1] = {{700, 1080}};
  ClosedPageInfo info{{a, b}, "30/11/2026 09:00", "https://wa.me/5511900000000"};
  const std::string pt = closed_page_html(info, Language::kPtBr);
  EXPECT_NE(pt.find("Estamos fora do horário de atendimento"), std::string::npos);
  EXPECT_NE(pt.find("09:00–18:00"), std::string::npos);
  EXPECT_NE(pt.find("Enviar mensagem mesmo assim"), std::string::npos);
  EXPECT_NE(pt.find("30/11/2026 09:00"), std::string::npos);
  const std::string en = closed_page_html(info, Language::kEn);
  EXPECT_NE(en.find("We are outside our service hours"), std::string::npos);
  EXPECT_NE(en.find("Send a message anyway"), std::string::npos);
}

}  // namespace
}  // namespace sequencial::app

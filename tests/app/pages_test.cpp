// Tests of the public HTML pages: escaping and language.
#include "app/pages.h"

#include <gtest/gtest.h>

namespace sequencial::app {
namespace {

TEST(PagesTest, PreviewPageEscapesUserText) {
  Link link;
  link.slug = "joao";
  link.preview_title = "<script>alert(1)</script>";
  link.preview_description = "\"quoted\" & more";
  const std::string html = preview_page(link, "https://zap.example");
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  EXPECT_NE(html.find("og:title\" content=\"&lt;script&gt;alert(1)&lt;/script&gt;\""),
            std::string::npos);
  EXPECT_NE(html.find("&quot;quoted&quot; &amp; more"), std::string::npos);
  EXPECT_NE(html.find("og:url\" content=\"https://zap.example/joao\""), std::string::npos);
}

TEST(PagesTest, PreviewTitleFallsBackToTheShopNameNeverTheLabel) {
  Link link;
  link.slug = "joao";
  link.label = "Loja — link do Instagram";
  const std::string named = preview_page(link, "https://zap.example", "Loja da Ana");
  EXPECT_EQ(named.find("link do Instagram"), std::string::npos) << named;
  EXPECT_NE(named.find("og:title\" content=\"Loja da Ana\""), std::string::npos) << named;
  const std::string unnamed = preview_page(link, "https://zap.example");
  EXPECT_EQ(unnamed.find("link do Instagram"), std::string::npos);
  EXPECT_NE(unnamed.find("Fale conosco no WhatsApp"), std::string::npos);
  link.preview_title = "Promoção";
  EXPECT_NE(preview_page(link, "https://zap.example", "Loja da Ana").find("content=\"Promoção\""),
            std::string::npos);
}

TEST(PagesTest, NextOpeningSaysTodayTomorrowOrTheDay) {
  const NextOpening today{"2026-12-02", 780, "2026-12-02", "2026-12-03"};
  EXPECT_EQ(next_opening_text(today, Language::kPtBr), "hoje às 13:00");
  EXPECT_EQ(next_opening_text(today, Language::kEn), "today at 13:00");
  const NextOpening tomorrow{"2026-12-03", 540, "2026-12-02", "2026-12-03"};
  EXPECT_EQ(next_opening_text(tomorrow, Language::kPtBr), "amanhã às 9:00");
  EXPECT_EQ(next_opening_text(tomorrow, Language::kEn), "tomorrow at 9:00");
  const NextOpening later{"2026-12-07", 570, "2026-12-02", "2026-12-03"};
  EXPECT_EQ(next_opening_text(later, Language::kPtBr), "segunda-feira, 07/12 às 9:30");
  EXPECT_EQ(next_opening_text(later, Language::kEn), "Monday, 07/12 at 9:30");
}

TEST(PagesTest, HomePageIsNeutral) {
  const std::string named = home_page("Loja <da> Ana", Language::kPtBr);
  EXPECT_NE(named.find("<h1>Loja &lt;da&gt; Ana</h1>"), std::string::npos) << named;
  EXPECT_EQ(named.find("não encontrado"), std::string::npos);
  EXPECT_EQ(named.find("/admin"), std::string::npos);
  EXPECT_EQ(named.find("Sequencial"), std::string::npos);
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
  ClosedPageInfo info{{a, b},
                      NextOpening{"2026-11-30", 540, "2026-11-27", "2026-11-28"},
                      "https://wa.me/5511900000000",
                      "Loja <da> Ana",
                      true};
  const std::string pt = closed_page_html(info, Language::kPtBr);
  EXPECT_NE(pt.find("Estamos fora do horário de atendimento"), std::string::npos);
  EXPECT_NE(pt.find("09:00–18:00"), std::string::npos);
  EXPECT_NE(pt.find("Enviar mensagem mesmo assim"), std::string::npos);
  EXPECT_NE(pt.find("segunda-feira, 30/11 às 9:00"), std::string::npos) << pt;
  EXPECT_NE(pt.find("Loja &lt;da&gt; Ana"), std::string::npos) << pt;
  // The week starts on Monday: Segunda is the first row, Domingo the last.
  EXPECT_LT(pt.find("Segunda"), pt.find("Terça"));
  EXPECT_LT(pt.find("Sábado"), pt.find("Domingo"));
  info.week_starts_monday = false;
  const std::string sunday_first = closed_page_html(info, Language::kPtBr);
  EXPECT_LT(sunday_first.find("Domingo"), sunday_first.find("Segunda"));
  const std::string en = closed_page_html(info, Language::kEn);
  EXPECT_NE(en.find("We are outside our service hours"), std::string::npos);
  EXPECT_NE(en.find("Send a message anyway"), std::string::npos);
}

}  // namespace
}  // namespace sequencial::app

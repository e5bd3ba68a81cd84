// Tests of the Seletivo chooser page's HTML: escaping, languages, entries,
// lazy photos with an initials avatar, Open Graph tags and entry links.
#include "app/chooser_page.h"

#include <gtest/gtest.h>

namespace sequencial::app {
namespace {

ChooserPageInfo sample(const Link* anchor) {
  ChooserPageInfo info;
  info.anchor = anchor;
  info.url = "https://zap.loja.com/loja";
  info.entries = {{"https://zap.loja.com/vendas?via=loja", "Vendas <b>", "Pedidos & \"orçamentos\"",
                   "https://img.example/v.jpg?a=1&b=\"2\""},
                  {"https://zap.loja.com/suporte?utm_source=ig&via=loja", "ana paula", "", ""}};
  return info;
}

TEST(ChooserPage, EveryEntryIsAnEscapedLinkWithItsTexts) {
  const std::string html = chooser_page_html(sample(nullptr), Language::kPtBr);
  EXPECT_NE(html.find("<html lang=\"pt-BR\">"), std::string::npos);
  EXPECT_NE(html.find("Com quem você quer falar?"), std::string::npos);
  EXPECT_NE(html.find("href=\"https://zap.loja.com/vendas?via=loja\""), std::string::npos);
  EXPECT_NE(html.find("href=\"https://zap.loja.com/suporte?utm_source=ig&amp;via=loja\""),
            std::string::npos);
  EXPECT_NE(html.find("Vendas &lt;b&gt;"), std::string::npos);
  EXPECT_EQ(html.find("Vendas <b>"), std::string::npos);
  EXPECT_NE(html.find("Pedidos &amp; &quot;orçamentos&quot;"), std::string::npos);
  EXPECT_NE(html.find("src=\"https://img.example/v.jpg?a=1&amp;b=&quot;2&quot;\""),
            std::string::npos);
  EXPECT_NE(html.find("loading=\"lazy\""), std::string::npos);
  EXPECT_NE(html.find(">AP</span>"), std::string::npos);  // no photo: the initials
  EXPECT_NE(html.find("name=\"viewport\""), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
}

TEST(ChooserPage, EnglishAndTheCentralsOwnTitle) {
  EXPECT_NE(
      chooser_page_html(sample(nullptr), Language::kEn).find("Who would you like to talk to?"),
      std::string::npos);
  ChooserPageInfo info = sample(nullptr);
  info.title = "Fale com <a>";
  const std::string html = chooser_page_html(info, Language::kEn);
  EXPECT_NE(html.find("<html lang=\"en\">"), std::string::npos);
  EXPECT_NE(html.find("<h1>Fale com &lt;a&gt;</h1>"), std::string::npos);
}

TEST(ChooserPage, OpenGraphTagsComeFromTheAnchor) {
  Link anchor;
  anchor.slug = "loja";
  anchor.preview_title = "Loja \"X\"";
  anchor.preview_description = "Atendimento";
  anchor.preview_image = "https://img.example/og.png";
  const std::string html = chooser_page_html(sample(&anchor), Language::kPtBr);
  EXPECT_NE(html.find("<meta property=\"og:title\" content=\"Loja &quot;X&quot;\">"),
            std::string::npos);
  EXPECT_NE(html.find("<meta property=\"og:description\" content=\"Atendimento\">"),
            std::string::npos);
  EXPECT_NE(html.find("<meta property=\"og:image\" content=\"https://img.example/og.png\">"),
            std::string::npos);
  EXPECT_NE(html.find("<meta property=\"og:url\" content=\"https://zap.loja.com/loja\">"),
            std::string::npos);
}

TEST(ChooserPage, Initials) {
  EXPECT_EQ(initials_of("Vendas Online Brasil"), "VO");
  EXPECT_EQ(initials_of("ana"), "A");
  EXPECT_EQ(initials_of("  élida  souza "), "éS");
  EXPECT_EQ(initials_of("(!)"), "?");
  EXPECT_EQ(initials_of(""), "?");
}

TEST(ChooserPage, EntryLinksKeepTheQueryAndMarkTheChooser) {
  EXPECT_EQ(entry_href("https://z.com", "vendas", "", "loja"), "https://z.com/vendas?via=loja");
  EXPECT_EQ(entry_href("https://z.com", "vendas", "utm_source=ig&x=1", "loja"),
            "https://z.com/vendas?utm_source=ig&x=1&via=loja");
  // A previous chooser's marker is replaced (nested choosers).
  EXPECT_EQ(entry_href("https://z.com", "ana", "via=loja&utm_source=ig", "vendas"),
            "https://z.com/ana?utm_source=ig&via=vendas");
}

}  // namespace
}  // namespace sequencial::app

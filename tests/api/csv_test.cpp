// CSV cells (api/csv.h): RFC 4180 quoting and formula neutralisation
// (issue 14 row 11).
#include "api/csv.h"

#include <gtest/gtest.h>

namespace sequencial::api {
namespace {

TEST(CsvTest, PlainValuesAreWrittenAsTheyAre) {
  EXPECT_EQ(csv_cell(""), "");
  EXPECT_EQ(csv_cell("google"), "google");
  EXPECT_EQ(csv_cell("(none)"), "(none)");
  EXPECT_EQ(csv_cell("a=b+c-d@e"), "a=b+c-d@e");  // only the first character matters
  EXPECT_EQ(csv_cell("São Paulo"), "São Paulo");
}

TEST(CsvTest, SeparatorsQuotesAndLineBreaksAreQuoted) {
  EXPECT_EQ(csv_cell("black friday, 2026"), "\"black friday, 2026\"");
  EXPECT_EQ(csv_cell("say \"oi\""), "\"say \"\"oi\"\"\"");
  EXPECT_EQ(csv_cell("a\nb"), "\"a\nb\"");
  EXPECT_EQ(csv_cell("a\rb"), "\"a\rb\"");
}

TEST(CsvTest, TheSemicolonSeparatorIsQuotedInsteadOfTheComma) {
  EXPECT_EQ(csv_cell("a,b", ';'), "a,b");
  EXPECT_EQ(csv_cell("a;b", ';'), "\"a;b\"");
  EXPECT_EQ(csv_cell("a;b"), "a;b");
}

TEST(CsvTest, OptionsFromTheQuery) {
  auto plain = parse_csv_options("by=day");
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->separator, ',');
  EXPECT_FALSE(plain->bom);
  EXPECT_FALSE(plain->named());
  EXPECT_EQ(csv_header("clicks", *plain), "clicks");
  auto pt = parse_csv_options("sep=%3B&bom=1&lang=pt-BR");
  ASSERT_TRUE(pt);
  EXPECT_EQ(pt->separator, ';');
  EXPECT_TRUE(pt->bom);
  EXPECT_EQ(csv_header("clicks", *pt), "cliques");
  EXPECT_EQ(csv_header("attendant", *pt), "atendente");
  EXPECT_EQ(csv_header("something_new", *pt), "something_new");
  EXPECT_EQ(parse_csv_options("sep=semicolon")->separator, ';');
  EXPECT_EQ(parse_csv_options("sep=tab").error().field, "sep");
  EXPECT_EQ(parse_csv_options("bom=yes").error().field, "bom");
  EXPECT_EQ(parse_csv_options("lang=fr").error().field, "lang");
}

TEST(CsvTest, FormulaStartsGetALeadingApostrophe) {
  EXPECT_EQ(csv_cell("=HYPERLINK(\"https://e.x\";\"x\")"),
            "\"'=HYPERLINK(\"\"https://e.x\"\";\"\"x\"\")\"");
  EXPECT_EQ(csv_cell("=1+1"), "'=1+1");
  EXPECT_EQ(csv_cell("+cmd|calc"), "'+cmd|calc");
  EXPECT_EQ(csv_cell("-2+3"), "'-2+3");
  EXPECT_EQ(csv_cell("@SUM(1)"), "'@SUM(1)");
  EXPECT_EQ(csv_cell("\tx"), "'\tx");
  EXPECT_EQ(csv_cell("\rx"), "\"'\rx\"");
  EXPECT_EQ(csv_cell("=a,b"), "\"'=a,b\"");
}

TEST(CsvTest, AppendWritesAfterWhatIsThere) {
  std::string row = "key,";
  append_csv_cell(row, "@x");
  EXPECT_EQ(row, "key,'@x");
}

}  // namespace
}  // namespace sequencial::api

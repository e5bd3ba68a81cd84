// Tests of the QR images: the PNG decodes (with libpng) to exactly the
// symbol libqrencode computes, the SVG path covers exactly its dark modules,
// output is deterministic, and bad input fails with an Error.
#include "qr/qr_code.h"

#include <gtest/gtest.h>
#include <png.h>
#include <qrencode.h>

#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace sequencial::qr {
namespace {

constexpr std::string_view kUrl = "https://zap.minhaloja.com.br/minhacentral?src=qr";

struct Symbol {
  int width = 0;
  std::vector<bool> dark;  // row-major
  [[nodiscard]] bool at(int x, int y) const {
    return dark[static_cast<std::size_t>(y) * static_cast<std::size_t>(width) +
                static_cast<std::size_t>(x)];
  }
};

// The oracle: libqrencode called directly with the settings qr_code.h names.
Symbol reference_symbol(std::string_view text) {
  const std::string terminated(text);
  std::unique_ptr<QRcode, decltype(&QRcode_free)> code(
      QRcode_encodeString(terminated.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1), &QRcode_free);
  Symbol symbol;
  if (code == nullptr) return symbol;
  symbol.width = code->width;
  for (int i = 0; i < code->width * code->width; ++i)
    symbol.dark.push_back((code->data[i] & 1) != 0);
  return symbol;
}

struct Gray {
  png_uint_32 width = 0;
  png_uint_32 height = 0;
  std::vector<png_byte> pixels;
  [[nodiscard]] png_byte at(png_uint_32 x, png_uint_32 y) const { return pixels[y * width + x]; }
};

// Decodes a PNG with libpng's simplified API into 8-bit gray.
bool decode_png(const std::string& bytes, Gray& out) {
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  if (png_image_begin_read_from_memory(&image, bytes.data(), bytes.size()) == 0) return false;
  image.format = PNG_FORMAT_GRAY;
  out.width = image.width;
  out.height = image.height;
  out.pixels.resize(PNG_IMAGE_SIZE(image));
  if (png_image_finish_read(&image, nullptr, out.pixels.data(), 0, nullptr) == 0) {
    png_image_free(&image);
    return false;
  }
  return true;
}

// Checks every pixel of `image` against `symbol` at the given geometry.
void expect_pixels_match(const Gray& image, const Symbol& symbol, int module_px, int margin) {
  int mismatches = 0;
  for (png_uint_32 y = 0; y < image.height; ++y) {
    for (png_uint_32 x = 0; x < image.width; ++x) {
      const int mx = static_cast<int>(x) / module_px - margin;
      const int my = static_cast<int>(y) / module_px - margin;
      const bool inside = mx >= 0 && my >= 0 && mx < symbol.width && my < symbol.width;
      const png_byte expected = inside && symbol.at(mx, my) ? 0 : 255;
      if (image.at(x, y) != expected && ++mismatches <= 5) {
        ADD_FAILURE() << "pixel " << x << "," << y << " is " << int{image.at(x, y)};
      }
    }
  }
  EXPECT_EQ(mismatches, 0);
}

TEST(QrCodeTest, PngDecodesToTheSymbol) {
  const Symbol symbol = reference_symbol(kUrl);
  ASSERT_GE(symbol.width, 21);
  auto png = qr_png(kUrl);
  ASSERT_TRUE(png) << png.error().message;
  ASSERT_GE(png->size(), 8U);
  EXPECT_EQ(png->substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));

  Gray image;
  ASSERT_TRUE(decode_png(*png, image));
  const auto side = static_cast<png_uint_32>((symbol.width + 2 * 4) * 8);
  EXPECT_EQ(image.width, side);
  EXPECT_EQ(image.height, side);
  // The centres of the three finder patterns are dark; the corners are quiet zone.
  const png_uint_32 near = (4 + 3) * 8 + 4;
  const png_uint_32 far = side - 1 - near;
  EXPECT_EQ(image.at(near, near), 0);
  EXPECT_EQ(image.at(far, near), 0);
  EXPECT_EQ(image.at(near, far), 0);
  EXPECT_EQ(image.at(0, 0), 255);
  EXPECT_EQ(image.at(side - 1, side - 1), 255);
  expect_pixels_match(image, symbol, 8, 4);
}

TEST(QrCodeTest, PngHonoursModuleSizeAndMargin) {
  const Symbol symbol = reference_symbol(kUrl);
  for (const auto& [px, margin] : {std::pair{1, 0}, std::pair{3, 2}, std::pair{5, 1}}) {
    auto png = qr_png(kUrl, px, margin);
    ASSERT_TRUE(png) << png.error().message;
    Gray image;
    ASSERT_TRUE(decode_png(*png, image));
    EXPECT_EQ(image.width, static_cast<png_uint_32>((symbol.width + 2 * margin) * px));
    expect_pixels_match(image, symbol, px, margin);
  }
}

// Sums the areas of the "M x y h n v1 h-n z" rectangles of the path.
long dark_area_of_path(const std::string& svg, int margin, const Symbol& symbol, bool& exact) {
  const auto start = svg.find(" d=\"");
  const auto end = svg.find('"', start + 4);
  std::string d = svg.substr(start + 4, end - start - 4);
  long area = 0;
  exact = true;
  std::size_t pos = 0;
  while (pos < d.size()) {
    int x = 0;
    int y = 0;
    int n = 0;
    int m = 0;
    int used = 0;
    if (std::sscanf(d.c_str() + pos, "M%d %dh%dv1h-%dz%n", &x, &y, &n, &m, &used) != 4 ||
        used == 0 || n != m || n <= 0) {
      exact = false;
      return area;
    }
    for (int i = 0; i < n; ++i) exact = exact && symbol.at(x - margin + i, y - margin);
    area += n;
    pos += static_cast<std::size_t>(used);
  }
  return area;
}

TEST(QrCodeTest, SvgIsOnePathOfTheDarkModules) {
  const Symbol symbol = reference_symbol(kUrl);
  auto svg = qr_svg(kUrl);
  ASSERT_TRUE(svg) << svg.error().message;
  const int side = symbol.width + 8;
  EXPECT_EQ(svg->rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0), 0U);
  EXPECT_NE(svg->find("viewBox=\"0 0 " + std::to_string(side) + " " + std::to_string(side) + "\""),
            std::string::npos);
  EXPECT_NE(svg->find("width=\"" + std::to_string(side * 8) + "\""), std::string::npos);
  EXPECT_NE(svg->find("shape-rendering=\"crispEdges\""), std::string::npos);
  EXPECT_NE(svg->find("<rect width=\"" + std::to_string(side) + "\""), std::string::npos);
  EXPECT_EQ(svg->find("<path"), svg->rfind("<path"));  // exactly one
  ASSERT_NE(svg->find("<path"), std::string::npos);
  EXPECT_EQ(svg->substr(svg->size() - 7), "</svg>\n");

  long dark = 0;
  for (const bool b : symbol.dark) dark += b ? 1 : 0;
  bool exact = false;
  EXPECT_EQ(dark_area_of_path(*svg, 4, symbol, exact), dark);
  EXPECT_TRUE(exact);
}

TEST(QrCodeTest, SameTextSameBytes) {
  EXPECT_EQ(*qr_png(kUrl), *qr_png(kUrl));
  EXPECT_EQ(*qr_svg(kUrl), *qr_svg(kUrl));
  EXPECT_NE(*qr_png(kUrl), *qr_png("https://zap.minhaloja.com.br/joao?src=qr"));
}

TEST(QrCodeTest, ConcurrentCallsAgree) {
  const std::string expected = *qr_png(kUrl);
  std::vector<std::thread> threads;
  std::vector<int> differ(4, 0);
  threads.reserve(4);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        auto png = qr_png(kUrl);
        if (!png || *png != expected) ++differ[static_cast<std::size_t>(t)];
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(differ, std::vector<int>(4, 0));
}

TEST(QrCodeTest, Utf8TextWorks) {
  const std::string_view text = "https://zap.loja.com.br/joão?msg=Olá, tudo bem?";
  const Symbol symbol = reference_symbol(text);
  auto png = qr_png(text, 2, 4);
  ASSERT_TRUE(png) << png.error().message;
  Gray image;
  ASSERT_TRUE(decode_png(*png, image));
  expect_pixels_match(image, symbol, 2, 4);
}

TEST(QrCodeTest, TooLongTextFailsCleanly) {
  const std::string letters(3000, 'a');  // level M holds at most 2,331 bytes
  for (auto result : {qr_png(letters), qr_svg(letters)}) {
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().code, ErrorCode::kInvalid);
    EXPECT_EQ(result.error().field, "text");
  }
  EXPECT_FALSE(qr_png(std::string(100'000, 'x')));
  // 3,000 digits fit (numeric mode): version 40 is 177 modules wide.
  const std::string digits(3000, '7');
  auto png = qr_png(digits, 1, 4);
  ASSERT_TRUE(png) << png.error().message;
  Gray image;
  ASSERT_TRUE(decode_png(*png, image));
  EXPECT_EQ(image.width, static_cast<png_uint_32>(reference_symbol(digits).width + 8));
}

TEST(QrCodeTest, BadArgumentsFail) {
  EXPECT_EQ(qr_png("").error().field, "text");
  EXPECT_EQ(qr_svg(std::string_view("a\0b", 3)).error().field, "text");
  EXPECT_EQ(qr_png(kUrl, 0).error().field, "module_px");
  EXPECT_EQ(qr_png(kUrl, kMaxModulePx + 1).error().field, "module_px");
  EXPECT_EQ(qr_svg(kUrl, 8, -1).error().field, "margin_modules");
  EXPECT_EQ(qr_svg(kUrl, 8, kMaxMarginModules + 1).error().field, "margin_modules");
  EXPECT_TRUE(qr_png(kUrl, kMaxModulePx, kMaxMarginModules));
}

}  // namespace
}  // namespace sequencial::qr

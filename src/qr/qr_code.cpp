// QR code images via libqrencode and libpng (see qr_code.h).
#include "qr/qr_code.h"

#include <png.h>
#include <qrencode.h>

#include <cerrno>
#include <charconv>
#include <csetjmp>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

namespace sequencial::qr {
namespace {

// No QR version holds more than 7,089 characters (numeric mode, level L):
// longer text is refused before libqrencode spends time splitting it.
constexpr std::size_t kMaxText = 7089;

struct QrFree {
  void operator()(QRcode* code) const noexcept { QRcode_free(code); }
};
using QrPtr = std::unique_ptr<QRcode, QrFree>;

Result<QrPtr> encode(std::string_view text, int module_px, int margin_modules) {
  if (module_px < 1 || module_px > kMaxModulePx) {
    return fail(Error::invalid(
        "module_px", "must be between 1 and " + std::to_string(kMaxModulePx) + " pixels"));
  }
  if (margin_modules < 0 || margin_modules > kMaxMarginModules) {
    return fail(
        Error::invalid("margin_modules",
                       "must be between 0 and " + std::to_string(kMaxMarginModules) + " modules"));
  }
  if (text.empty()) return fail(Error::invalid("text", "nothing to encode"));
  if (text.find('\0') != std::string_view::npos) {
    return fail(Error::invalid("text", "must not contain a NUL byte"));
  }
  if (text.size() > kMaxText) return fail(Error::invalid("text", "too long for a QR code"));
  const std::string terminated(text);  // libqrencode wants a C string
  errno = 0;
  QrPtr code(QRcode_encodeString(terminated.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1));
  if (code == nullptr) {
    const int error = errno;
    if (error == ERANGE) return fail(Error::invalid("text", "too long for a QR code"));
    if (error == EINVAL) return fail(Error::invalid("text", "cannot be encoded as a QR code"));
    return fail(Error::internal(std::string("libqrencode failed: ") +
                                (error == ENOMEM ? "out of memory" : std::strerror(error))));
  }
  if (code->width <= 0 || code->data == nullptr) {
    return fail(Error::internal("libqrencode returned an empty symbol"));
  }
  return code;
}

bool is_dark(const QRcode& code, int x, int y) {
  return (code.data[static_cast<std::size_t>(y) * static_cast<std::size_t>(code.width) +
                    static_cast<std::size_t>(x)] &
          1U) != 0;
}

void append_int(std::string& out, int value) {
  char buffer[16];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, result.ptr);
}

// ---- PNG -------------------------------------------------------------------
// libpng reports errors by longjmp to the setjmp in write_rows(). Only plain
// C data lives in the frames it jumps over: the C++ objects (the output
// string, the row buffer, the QRcode) belong to qr_png(), which calls
// write_rows() and is never jumped over.

struct PngSink {     // trivially destructible
  std::string* out;  // where the bytes go
  char error[160];   // libpng's message, for the Error
};

void on_png_error(png_structp png, png_const_charp message) {
  if (auto* sink = static_cast<PngSink*>(png_get_error_ptr(png))) {
    std::snprintf(sink->error, sizeof sink->error, "%s", message != nullptr ? message : "error");
  }
  png_longjmp(png, 1);
}

void on_png_warning(png_structp /*png*/, png_const_charp /*message*/) {}

void on_png_write(png_structp png, png_bytep data, std::size_t size) {
  auto* sink = static_cast<PngSink*>(png_get_io_ptr(png));
  bool ok = true;
  try {
    sink->out->append(reinterpret_cast<const char*>(data), size);
  } catch (...) {
    ok = false;
  }
  // Outside the handler: the jump must not skip a live exception.
  if (!ok) png_error(png, "out of memory");
}

void on_png_flush(png_structp /*png*/) {}

struct PngRows {  // trivially destructible
  const QRcode* code;
  int module_px;
  int margin;
  png_uint_32 side;  // pixels
  png_bytep row;     // (side + 7) / 8 bytes
};

// The setjmp frame: no object with a destructor may live here.
bool write_rows(png_structp png, png_infop info, const PngRows* rows) {
  if (setjmp(png_jmpbuf(png)) != 0) return false;
  png_set_IHDR(png, info, rows->side, rows->side, 1, PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info(png, info);
  const int width = rows->code->width;
  const std::size_t row_bytes = (rows->side + 7) / 8;
  for (int y = -rows->margin; y < width + rows->margin; ++y) {
    std::memset(rows->row, 0xFF, row_bytes);  // 1 = white
    if (y >= 0 && y < width) {
      for (int x = 0; x < width; ++x) {
        if (!is_dark(*rows->code, x, y)) continue;
        const auto first =
            static_cast<std::size_t>(rows->margin + x) * static_cast<std::size_t>(rows->module_px);
        for (std::size_t px = first; px < first + static_cast<std::size_t>(rows->module_px); ++px) {
          rows->row[px / 8] &= static_cast<png_byte>(~(0x80U >> (px % 8)));
        }
      }
    }
    for (int i = 0; i < rows->module_px; ++i) png_write_row(png, rows->row);
  }
  png_write_end(png, info);
  return true;
}

struct PngStructs {
  png_structp png = nullptr;
  png_infop info = nullptr;
  PngStructs() = default;
  PngStructs(const PngStructs&) = delete;
  PngStructs& operator=(const PngStructs&) = delete;
  ~PngStructs() {
    if (png != nullptr) png_destroy_write_struct(&png, info != nullptr ? &info : nullptr);
  }
};

}  // namespace

Result<std::string> qr_svg(std::string_view text, int module_px, int margin_modules) {
  auto code = encode(text, module_px, margin_modules);
  if (!code) return fail(std::move(code.error()));
  const QRcode& symbol = **code;
  const int width = symbol.width;
  const int side = width + 2 * margin_modules;

  std::string svg;
  svg.reserve(256 + static_cast<std::size_t>(width) * static_cast<std::size_t>(width) * 2);
  svg += R"(<svg xmlns="http://www.w3.org/2000/svg" width=")";
  append_int(svg, side * module_px);
  svg += R"(" height=")";
  append_int(svg, side * module_px);
  svg += R"(" viewBox="0 0 )";
  append_int(svg, side);
  svg += ' ';
  append_int(svg, side);
  svg += R"(" shape-rendering="crispEdges"><rect width=")";
  append_int(svg, side);
  svg += R"(" height=")";
  append_int(svg, side);
  svg += R"(" fill="#fff"/><path fill="#000" d=")";
  // One rectangle per horizontal run of dark modules.
  for (int y = 0; y < width; ++y) {
    int x = 0;
    while (x < width) {
      if (!is_dark(symbol, x, y)) {
        ++x;
        continue;
      }
      const int start = x;
      while (x < width && is_dark(symbol, x, y)) ++x;
      svg += 'M';
      append_int(svg, start + margin_modules);
      svg += ' ';
      append_int(svg, y + margin_modules);
      svg += 'h';
      append_int(svg, x - start);
      svg += "v1h-";
      append_int(svg, x - start);
      svg += 'z';
    }
  }
  svg += "\"/></svg>\n";
  return svg;
}

Result<std::string> qr_png(std::string_view text, int module_px, int margin_modules) {
  auto code = encode(text, module_px, margin_modules);
  if (!code) return fail(std::move(code.error()));
  const auto side =
      static_cast<png_uint_32>((code.value()->width + 2 * margin_modules) * module_px);
  std::vector<png_byte> row((side + 7) / 8);
  std::string out;
  PngSink sink{&out, {}};

  PngStructs structs;
  structs.png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &sink, on_png_error, on_png_warning);
  if (structs.png == nullptr) return fail(Error::internal("libpng: cannot create a write struct"));
  structs.info = png_create_info_struct(structs.png);
  if (structs.info == nullptr) return fail(Error::internal("libpng: cannot create an info struct"));
  png_set_write_fn(structs.png, &sink, on_png_write, on_png_flush);

  const PngRows rows{code.value().get(), module_px, margin_modules, side, row.data()};
  if (!write_rows(structs.png, structs.info, &rows)) {
    return fail(Error::internal(std::string("libpng: ") + sink.error));
  }
  return out;
}

}  // namespace sequencial::qr

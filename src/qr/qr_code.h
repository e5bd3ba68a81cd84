// QR codes of a link's public URL (rule 8 of docs/PRODUCT.md), as SVG and PNG.
//
// The symbol comes from libqrencode (QRcode_encodeString: smallest version
// that fits, error correction level M, 8-bit mode for everything that is not
// digits, case-sensitive); the PNG from libpng. Nothing here hand-rolls an
// encoder.
//
// Image geometry: the symbol is `modules` wide (21..177, from the version);
// a quiet zone of `margin_modules` light modules surrounds it (the standard
// asks for 4); each module is `module_px` pixels. An image is therefore
// (modules + 2 * margin_modules) * module_px pixels square. Dark modules are
// black on white.
//
// Errors: Error::invalid with field "text" for empty text, text with a NUL
// byte or text too long for any QR version at level M (about 2,300 bytes of
// URL); field "module_px" / "margin_modules" for sizes out of range;
// Error::internal when libqrencode or libpng fail otherwise (out of memory).
// Nothing throws except std::bad_alloc from the returned string.
//
// Thread-safety: both functions may run concurrently on any threads.
// libqrencode 4.x guards its shared state with a mutex when built with
// pthreads, as Debian's libqrencode4 is (it links pthread_mutex_lock); each
// PNG is written by its own libpng write struct. Output is deterministic:
// the same arguments give the same bytes (no timestamps in the PNG).
#pragma once

#include <string>
#include <string_view>

#include "core/error.h"

namespace sequencial::qr {

inline constexpr int kMaxModulePx = 32;
inline constexpr int kMaxMarginModules = 16;

// An SVG document: a white background rect and one <path> of the dark
// modules, viewBox in module units, width/height in pixels,
// shape-rendering="crispEdges".
[[nodiscard]] Result<std::string> qr_svg(std::string_view text, int module_px = 8,
                                         int margin_modules = 4);

// The bytes of a PNG file: 1-bit grayscale, no interlacing.
[[nodiscard]] Result<std::string> qr_png(std::string_view text, int module_px = 8,
                                         int margin_modules = 4);

}  // namespace sequencial::qr

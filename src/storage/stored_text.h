// Text as both Store backends keep it: valid UTF-8 without NUL bytes.
// PostgreSQL refuses either (a NUL ends a C string and breaks the array
// literal of a whole batch; invalid UTF-8 fails the encoding check), and
// SQLite would store what PostgreSQL cannot, so values a visitor controls
// (utm_*, referrer...) are cleaned here, in the store, whatever the edge
// already did.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace sequencial::stored {

// True when `text` is valid UTF-8 (RFC 3629: no overlong forms, no
// surrogates, at most U+10FFFF) and holds no NUL byte.
[[nodiscard]] bool is_storable_text(std::string_view text);

// `text` itself when storable (no copy), else a cleaned copy in `scratch`:
// NUL bytes removed, each invalid byte replaced by U+FFFD.
[[nodiscard]] std::string_view storable_text(std::string_view text, std::string& scratch);

}  // namespace sequencial::stored

// Random secrets and their hashes: session ids and CSRF tokens (random
// bytes from libsodium's CSPRNG, as hex), the BLAKE2b hash stored in place
// of a session id, and a comparison that takes the same time whatever the
// inputs (for CSRF tokens).
//
// Session ids carry 256 random bits, so a fast hash is the right tool (as
// for API tokens, api/tokens.h): a slow KDF adds nothing against 2^256.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace sequencial::accounts {

// `size` bytes as 2 * size lowercase hex digits.
[[nodiscard]] std::string to_hex(const unsigned char* data, std::size_t size);
// `bytes` random bytes as 2 * bytes lowercase hex digits.
[[nodiscard]] std::string random_hex(std::size_t bytes);
// Hex BLAKE2b-256 of `text`.
[[nodiscard]] std::string hash_secret(std::string_view text);
// a == b, in time that depends only on the lengths.
[[nodiscard]] bool secrets_equal(std::string_view a, std::string_view b);

}  // namespace sequencial::accounts

// Errors as values: every boundary (validation, storage, admin API) returns
// Result<T> instead of throwing. An Error names its kind (mapped to an HTTP
// status by the admin API), a human message and, when one input field is at
// fault, that field's name.
#pragma once

#include <expected>
#include <string>
#include <utility>

namespace sequencial {

enum class ErrorCode {
  kInvalid,        // input breaks a rule (400)
  kUnauthorized,   // missing or bad credentials (401)
  kForbidden,      // authenticated but not allowed (403)
  kNotFound,       // no such resource (404)
  kConflict,       // clashes with existing state (409)
  kTooLarge,       // body over the limit (413)
  kUnprocessable,  // well-formed but cannot be applied (422)
  kUnavailable,    // a dependency (database) is down (503)
  kInternal,       // a bug or an unexpected I/O failure (500)
};

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
  std::string field;  // empty when no single field is at fault

  static Error invalid(std::string field, std::string message) {
    return {ErrorCode::kInvalid, std::move(message), std::move(field)};
  }
  static Error not_found(std::string message) {
    return {ErrorCode::kNotFound, std::move(message), {}};
  }
  static Error conflict(std::string field, std::string message) {
    return {ErrorCode::kConflict, std::move(message), std::move(field)};
  }
  static Error unavailable(std::string message) {
    return {ErrorCode::kUnavailable, std::move(message), {}};
  }
  static Error internal(std::string message) {
    return {ErrorCode::kInternal, std::move(message), {}};
  }
};

// Short machine-readable name of a code, used in the JSON error body.
const char* error_code_name(ErrorCode code);

template <typename T>
using Result = std::expected<T, Error>;

// Shorthand for returning a failure: `return fail(Error::invalid(...));`
inline std::unexpected<Error> fail(Error error) { return std::unexpected<Error>(std::move(error)); }

}  // namespace sequencial

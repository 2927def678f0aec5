// Result<T>: a value or an Error, for failures that are normal outcomes (no barcode found, a
// corrupt file, a timeout). Mirrors std::expected's member names so it can be swapped for it later.
// Knows nothing about HTTP statuses or exit codes: callers map ErrorCode with a switch.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "common/text.hpp"

namespace common {

enum class ErrorCode {
  invalid_argument,   // the caller asked for something that makes no sense (bad flag, bad format
                      // name)
  bad_input,          // the input itself is wrong: not an image, corrupt, truncated
  not_found,          // a file, page or record does not exist
  limit_exceeded,     // the input is larger than a configured limit (megapixels, pages, bytes)
  timeout,            // work did not finish within its time limit
  crashed,            // a worker process died while handling the input
  io_error,           // the operating system refused a read, write or spawn
  unavailable,        // a service we depend on (the carrier) cannot be reached or refuses to serve
  internal,           // a bug: an invariant did not hold
  conflict,           // the record's state does not allow it (a dossier move the state machine
                      // refuses)
  unauthenticated,    // no valid login, session or API token
  permission_denied,  // logged in, but the role does not allow it
};

// Returns the stable snake_case name of `code` ("bad_input"), for JSON and logs.
std::string_view error_code_name(ErrorCode code);

// What kind of failure `code` is, as a short phrase for users ("Không tìm thấy" / "Not found").
std::string_view error_code_label(ErrorCode code, Lang lang);

// A sentence for a failure whose details are only for the logs ("Lỗi hệ thống…").
std::string_view error_code_sentence(ErrorCode code, Lang lang);

struct Error {
  Error() = default;
  Error(ErrorCode c, std::string m, Text t = {})  // NOLINT: braced {code, message} is the idiom
      : code(c), message(std::move(m)), text(std::move(t)) {}

  ErrorCode code = ErrorCode::internal;
  // In English: says what was wrong with which input. For logs, exceptions and tests; a coded
  // error's is its text rendered in English.
  std::string message;
  // The message as data (its id and arguments), for every failure a user can meet. Empty for a
  // technical failure (a database or operating-system error) whose words are for the logs.
  Text text;

  // What the user reads in `lang`: the text, or for a technical failure its message in English
  // and in Vietnamese the code's sentence (the English details stay in `message`).
  std::string render(Lang lang) const;
};

// Thrown by Result::value() when it holds an Error: a programming mistake, not an outcome.
class BadResultAccess : public std::logic_error {
 public:
  explicit BadResultAccess(const Error& error)
      : std::logic_error("Result holds an error: " + error.message) {}
};

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}      // NOLINT: implicit
  Result(Error error) : state_(std::in_place_index<1>, std::move(error)) {}  // NOLINT: implicit

  bool has_value() const noexcept { return state_.index() == 0; }
  explicit operator bool() const noexcept { return has_value(); }

  T& value() & {
    check();
    return std::get<0>(state_);
  }
  const T& value() const& {
    check();
    return std::get<0>(state_);
  }
  T&& value() && {
    check();
    return std::get<0>(std::move(state_));
  }
  template <class U>
  T value_or(U&& fallback) const& {
    return has_value() ? std::get<0>(state_) : static_cast<T>(std::forward<U>(fallback));
  }

  // Requires !has_value().
  const Error& error() const& { return std::get<1>(state_); }
  Error&& error() && { return std::get<1>(std::move(state_)); }

  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  void check() const {
    if (!has_value()) throw BadResultAccess(std::get<1>(state_));
  }
  std::variant<T, Error> state_;
};

// Result<void>: success or an Error.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT: implicit

  bool has_value() const noexcept { return ok_; }
  explicit operator bool() const noexcept { return ok_; }
  void value() const {
    if (!ok_) throw BadResultAccess(error_);
  }
  const Error& error() const& { return error_; }
  Error&& error() && { return std::move(error_); }

 private:
  Error error_;
  bool ok_ = true;
};

// A technical failure, in English for the logs (see Error::text).
inline Error make_error(ErrorCode code, std::string message) {
  return Error{code, std::move(message), {}};
}

// A failure a user can meet: message `def` of a catalogue with its arguments.
Error make_error(ErrorCode code, const MessageDef& def, Args args = {});

}  // namespace common

// Passing an error on, as ccache's util/expected.hpp does, for functions that return a Result:
//   TRY(tx.set_setting(key, value));              // returns the Error when it fails
//   TRY_ASSIGN(auto dossier, tx.get_dossier(id));  // else declares `dossier` with the value
// Each evaluates its expression once. TRY_ASSIGN is several statements (it declares a hidden
// variable): use it at most once per line, and inside braces, never as the body of a bare if or
// loop.
#define HOSO_TRY_CONCAT_(a, b) a##b
#define HOSO_TRY_CONCAT(a, b) HOSO_TRY_CONCAT_(a, b)

#define TRY(expr) TRY_IMPL_(HOSO_TRY_CONCAT(hoso_try_result_, __LINE__), expr)

// The hidden variable is named after the line so that a TRY inside a lambda inside another TRY's
// expression (a store.write whose unit of work passes errors on) shadows nothing.
#define TRY_IMPL_(tmp, expr)         \
  do {                               \
    auto&& tmp = (expr);             \
    if (!tmp) {                      \
      return std::move(tmp).error(); \
    }                                \
  } while (false)

#define TRY_ASSIGN(declaration, expr) \
  TRY_ASSIGN_IMPL_(HOSO_TRY_CONCAT(hoso_try_value_, __LINE__), declaration, expr)

#define TRY_ASSIGN_IMPL_(tmp, declaration, expr) \
  auto tmp = (expr);                             \
  if (!tmp) return std::move(tmp).error();       \
  declaration = std::move(*tmp)

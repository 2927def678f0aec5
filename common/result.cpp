#include "common/result.hpp"

namespace common {

std::string_view error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::invalid_argument:
      return "invalid_argument";
    case ErrorCode::bad_input:
      return "bad_input";
    case ErrorCode::not_found:
      return "not_found";
    case ErrorCode::limit_exceeded:
      return "limit_exceeded";
    case ErrorCode::timeout:
      return "timeout";
    case ErrorCode::crashed:
      return "crashed";
    case ErrorCode::io_error:
      return "io_error";
    case ErrorCode::unavailable:
      return "unavailable";
    case ErrorCode::internal:
      return "internal";
    case ErrorCode::conflict:
      return "conflict";
    case ErrorCode::unauthenticated:
      return "unauthenticated";
    case ErrorCode::permission_denied:
      return "permission_denied";
  }
  return "internal";
}

}  // namespace common

// Process exit codes shared by every hoso command, so scripts can tell failures apart.
#pragma once

#include "common/result.hpp"

namespace common {

enum class ExitCode : int {
  ok = 0,
  internal = 1,       // a bug or an unexpected failure
  bad_arguments = 2,  // the command line was wrong
  bad_input = 3,      // some input could not be read (a corrupt image, a file that is no image)
  not_found = 4,      // a named file, dossier or record does not exist
  unavailable = 5,    // a needed service (the carrier) is unavailable
  denied = 6,         // a wrong password, or a role that does not allow it
};

// Maps an error to the exit code a command reports for it. The switch has no default so that a
// new ErrorCode is a compiler warning here.
constexpr ExitCode exit_code_for(ErrorCode code) {
  switch (code) {
    case ErrorCode::invalid_argument:
    case ErrorCode::conflict:  // a refused dossier move: the arguments asked for it
      return ExitCode::bad_arguments;
    case ErrorCode::unauthenticated:
    case ErrorCode::permission_denied:
      return ExitCode::denied;
    case ErrorCode::bad_input:
    case ErrorCode::limit_exceeded:
    case ErrorCode::timeout:
    case ErrorCode::crashed:
      return ExitCode::bad_input;
    case ErrorCode::not_found:
      return ExitCode::not_found;
    case ErrorCode::unavailable:
      return ExitCode::unavailable;
    case ErrorCode::io_error:
    case ErrorCode::internal:
      return ExitCode::internal;
  }
  return ExitCode::internal;
}

}  // namespace common

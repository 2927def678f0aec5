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

namespace {

struct CodeWords {
  std::string_view label_vi, label_en, sentence_vi, sentence_en;
};

CodeWords words(ErrorCode code) {
  switch (code) {
    case ErrorCode::invalid_argument:
      return {"Yêu cầu không hợp lệ", "Invalid request", "Yêu cầu không hợp lệ.",
              "The request is not valid."};
    case ErrorCode::bad_input:
      return {"Dữ liệu không hợp lệ", "Bad input", "Dữ liệu đưa vào không đọc được.",
              "The input cannot be read."};
    case ErrorCode::not_found:
      return {"Không tìm thấy", "Not found", "Không tìm thấy mục được yêu cầu.",
              "What was asked for does not exist."};
    case ErrorCode::limit_exceeded:
      return {"Vượt quá giới hạn", "Limit exceeded", "Dữ liệu vượt quá giới hạn cho phép.",
              "The input is larger than allowed."};
    case ErrorCode::timeout:
      return {"Hết thời gian chờ", "Timed out", "Quá thời gian xử lý cho phép.",
              "The work did not finish in time."};
    case ErrorCode::crashed:
      return {"Lỗi hệ thống", "Internal error",
              "Bộ đọc mã bị lỗi khi xử lý tệp này; các tệp khác không bị ảnh hưởng.",
              "The code reader failed on this file; other files are not affected."};
    case ErrorCode::io_error:
      return {"Lỗi lưu trữ", "Storage error",
              "Không ghi hoặc đọc được dữ liệu trên máy chủ; chi tiết đã ghi vào nhật ký.",
              "The server could not read or write its data; the details are in its log."};
    case ErrorCode::unavailable:
      return {"Dịch vụ tạm thời không sẵn sàng", "Service unavailable for now",
              "Dịch vụ liên quan (bưu điện) tạm thời không sẵn sàng; hãy thử lại sau.",
              "A service we depend on (the carrier) is unavailable; try again later."};
    case ErrorCode::internal:
      return {"Lỗi hệ thống", "Internal error",
              "Lỗi hệ thống; chi tiết đã ghi vào nhật ký máy chủ.",
              "Internal error; the details are in the server's log."};
    case ErrorCode::conflict:
      return {"Trạng thái hồ sơ không cho phép thao tác này",
              "The dossier's state does not allow this",
              "Trạng thái hiện tại không cho phép thao tác này.",
              "The current state does not allow this."};
    case ErrorCode::unauthenticated:
      return {"Chưa đăng nhập hoặc phiên làm việc đã hết hạn",
              "Not logged in, or the session has expired", "Hãy đăng nhập lại.",
              "Please log in again."};
    case ErrorCode::permission_denied:
      return {"Không có quyền", "Permission denied",
              "Vai trò của bạn không được phép làm việc này.", "Your role does not allow this."};
  }
  return words(ErrorCode::internal);
}

}  // namespace

std::string_view error_code_label(ErrorCode code, Lang lang) {
  const auto w = words(code);
  return lang == Lang::vi ? w.label_vi : w.label_en;
}

std::string_view error_code_sentence(ErrorCode code, Lang lang) {
  const auto w = words(code);
  return lang == Lang::vi ? w.sentence_vi : w.sentence_en;
}

std::string Error::render(Lang lang) const {
  if (!text.empty()) return text.render(lang);
  if (lang == Lang::en && !message.empty()) return message;
  return std::string{error_code_sentence(code, lang)};
}

Error make_error(ErrorCode code, const MessageDef& def, Args args) {
  Text text{def, std::move(args)};
  std::string english = text.render(Lang::en);
  return Error{code, std::move(english), std::move(text)};
}

}  // namespace common

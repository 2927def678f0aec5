// What the scanner tells a user about a file it cannot read, as messages (common/text.hpp): each
// with a stable id and its wording in Vietnamese and English. A message never names a CLI flag:
// the surface that shows it adds its own hint.
#pragma once

#include <string_view>

#include "common/text.hpp"

namespace scanner::msg {

using common::MessageDef;

// --- The file itself -----------------------------------------------------------------------------
inline constexpr MessageDef no_such_file{"scan_no_such_file", "Không tìm thấy tệp {path}",
                                         "no such file: {path}"};
inline constexpr MessageDef not_regular_file{
    "scan_not_regular_file", "{path} không phải là một tệp thông thường (có thể là thư mục)",
    "not a regular file: {path}"};
inline constexpr MessageDef empty_file{"scan_empty_file", "Tệp rỗng (0 byte): không có gì để quét",
                                       "empty file (0 bytes): nothing to scan"};
inline constexpr MessageDef file_too_large{
    "scan_file_too_large", "Tệp có dung lượng {size_mb} MB, vượt giới hạn {limit_mb} MB",
    "file is {size_mb} MB, above the limit of {limit_mb} MB"};
inline constexpr MessageDef not_image_text{
    "scan_not_image_text",
    "Tệp không phải là ảnh hay PDF: tệp chứa văn bản (chỉ nhận JPEG, PNG, TIFF, BMP, WebP hoặc "
    "PDF)",
    "not an image or PDF: the file holds text, not an image (expected JPEG, PNG, TIFF, BMP, WebP "
    "or PDF)"};
inline constexpr MessageDef not_image_bytes{
    "scan_not_image_bytes",
    "Tệp không phải là ảnh hay PDF: nội dung bắt đầu bằng các byte {bytes} (chỉ nhận JPEG, PNG, "
    "TIFF, BMP, WebP hoặc PDF)",
    "not an image or PDF: its content starts with bytes {bytes} (expected JPEG, PNG, TIFF, BMP, "
    "WebP or PDF)"};
inline constexpr MessageDef header_truncated{
    "scan_header_truncated", "Phần đầu của tệp {kind} bị cắt cụt: tệp bị thiếu hoặc bị hỏng",
    "{kind} header is cut short: the file is truncated or corrupt"};
inline constexpr MessageDef too_many_pixels{
    "scan_too_many_pixels",
    "Ảnh {kind} có kích thước {width} × {height} điểm ảnh ({megapixels} megapixel), vượt giới "
    "hạn {limit} megapixel",
    "{kind} image is {width} × {height} pixels ({megapixels} megapixels), above the limit of "
    "{limit} megapixels"};
inline constexpr MessageDef empty_image{
    "scan_empty_image", "Phần đầu của tệp {kind} cho một ảnh rỗng ({width} × {height} điểm ảnh)",
    "{kind} header gives an empty image ({width} × {height} pixels)"};

// --- PDF and TIFF pages --------------------------------------------------------------------------
inline constexpr MessageDef pdf_unopenable{
    "scan_pdf_unopenable", "Không mở được tệp PDF: tệp bị hỏng hoặc không phải là tài liệu PDF",
    "PDF could not be opened: the file is damaged or not a PDF document"};
inline constexpr MessageDef pdf_locked{
    "scan_pdf_locked", "Tệp PDF có mật khẩu: hãy lưu lại tệp không đặt mật khẩu rồi quét lại",
    "PDF is password-protected: save it without a password and scan it again"};
inline constexpr MessageDef pdf_no_pages{"scan_pdf_no_pages", "Tệp PDF không có trang nào",
                                         "PDF has no pages"};
inline constexpr MessageDef pdf_no_page{"scan_pdf_no_page", "Tệp PDF không có trang {page}",
                                        "PDF has no page {page}"};
inline constexpr MessageDef pdf_page_size{
    "scan_pdf_page_size", "Trang {page} của tệp PDF quá lớn hoặc trống, không dựng ảnh được",
    "PDF page {page} is too large or empty to render"};
inline constexpr MessageDef pdf_page_unrendered{"scan_pdf_page_unrendered",
                                                "Không dựng được ảnh trang {page} của tệp PDF",
                                                "PDF page {page} could not be rendered"};
inline constexpr MessageDef tiff_pages_unreadable{
    "scan_tiff_pages_unreadable", "Không đọc được các trang của tệp TIFF: tệp bị hỏng",
    "TIFF pages could not be read: the file is corrupt"};
inline constexpr MessageDef tiff_page_undecodable{
    "scan_tiff_page_undecodable",
    "Không giải mã được trang {page} của tệp TIFF: tệp bị hỏng hoặc dùng kiểu nén không hỗ trợ",
    "TIFF page {page} could not be decoded: the file is corrupt or uses an unsupported "
    "compression"};

// --- Decoding ------------------------------------------------------------------------------------
inline constexpr MessageDef jpeg_truncated{
    "scan_jpeg_truncated",
    "Tệp JPEG bị cắt cụt (thiếu dấu kết thúc ảnh): tệp bị thiếu khi sao chép hoặc tải lên; hãy "
    "sao chép hoặc quét lại",
    "JPEG is truncated (no end-of-image marker): the file was cut short while copying or "
    "uploading; copy or scan it again"};
inline constexpr MessageDef data_undecodable{
    "scan_data_undecodable", "Không giải mã được dữ liệu {kind}: tệp bị thiếu hoặc bị hỏng",
    "{kind} data could not be decoded: the file is truncated or corrupt"};
inline constexpr MessageDef kind_undecodable{"scan_kind_undecodable",
                                             "Không giải mã được tệp {kind}: {detail}",
                                             "{kind} could not be decoded: {detail}"};
inline constexpr MessageDef page_empty{"scan_page_empty", "Trang {page} của tệp {kind} trống",
                                       "{kind} page {page} is empty"};
inline constexpr MessageDef kind_out_of_memory{
    "scan_kind_out_of_memory",
    "Giải mã tệp {kind} cần nhiều bộ nhớ hơn giới hạn của tiến trình giải mã",
    "decoding the {kind} needed more memory than the worker's limit"};
inline constexpr MessageDef out_of_memory{
    "scan_out_of_memory", "Giải mã cần nhiều bộ nhớ hơn giới hạn của tiến trình giải mã",
    "decoding needed more memory than the worker's limit"};
inline constexpr MessageDef processing_failed{"scan_processing_failed",
                                              "Xử lý ảnh không thành công: {detail}",
                                              "image processing failed: {detail}"};
inline constexpr MessageDef decode_timeout{
    "scan_decode_timeout",
    "Giải mã mất quá {seconds} giây nên đã bị dừng (giới hạn thời gian cho mỗi trang)",
    "decoding took longer than {seconds} s and was stopped (time limit per page)"};
inline constexpr MessageDef decoder_crashed{
    "scan_decoder_crashed",
    "Bộ giải mã bị lỗi đột ngột khi đọc ảnh này (tín hiệu {signal}, {signal_name})",
    "the decoder crashed on this image (signal {signal}, {signal_name})"};
inline constexpr MessageDef decoder_exited{"scan_decoder_exited",
                                           "Bộ giải mã dừng bất thường (mã thoát {status})",
                                           "the decoder exited unexpectedly (status {status})"};
inline constexpr MessageDef decoder_silent{"scan_decoder_silent", "Bộ giải mã không còn phản hồi",
                                           "the decoder stopped answering"};
// `reason` is one of the three above; `output` the last line the worker wrote (technical).
inline constexpr MessageDef decoder_output{"scan_decoder_output", "{reason}: {output}",
                                           "{reason}: {output}"};

inline constexpr MessageDef too_many_pages{
    "scan_too_many_pages", "Tệp có {pages} trang; chỉ quét {scanned} trang đầu",
    "file has {pages} pages; only the first {scanned} were scanned"};

// --- Upload and batch ----------------------------------------------------------------------------
inline constexpr MessageDef no_such_input{"scan_no_such_input",
                                          "Không tìm thấy tệp hay thư mục {path}",
                                          "no such file or folder: {path}"};
inline constexpr MessageDef input_not_regular{
    "scan_input_not_regular",
    "{path} không phải là tệp thông thường (là pipe, socket hay thiết bị): đã bỏ qua",
    "{path} is not a regular file (a pipe, a socket or a device): skipped"};
inline constexpr MessageDef input_link_loop{
    "scan_input_link_loop", "{path} là một liên kết tượng trưng trỏ vòng về chính nó: đã bỏ qua",
    "{path} is a symbolic link that loops: skipped"};
inline constexpr MessageDef no_such_video{"scan_no_such_video",
                                          "{source}: không có tệp video hay camera này",
                                          "{source}: no such video file or camera"};
inline constexpr MessageDef video_unopenable{"scan_video_unopenable",
                                             "{source}: không mở được như một tệp video hay camera",
                                             "{source}: cannot open as a video file or camera"};
inline constexpr MessageDef unknown_format{
    "scan_unknown_format", "Không có định dạng mã vạch '{format}'; các định dạng hỗ trợ: {known}",
    "unknown barcode format '{format}'; known formats: {known}"};
inline constexpr MessageDef no_formats{"scan_no_formats", "Danh sách định dạng mã vạch trống",
                                       "the list of barcode formats is empty"};

// A text kept as written (an older stored sentence, or a message whose id is no longer known).
inline constexpr MessageDef as_written{"text_as_written", "{detail}", "{detail}"};

// Every message above, for rebuilding a Text from its id (the decode worker's answer).
inline constexpr const MessageDef* k_catalogue[] = {
    // catalogue-begin
    &no_such_file,
    &not_regular_file,
    &empty_file,
    &file_too_large,
    &not_image_text,
    &not_image_bytes,
    &header_truncated,
    &too_many_pixels,
    &empty_image,
    &pdf_unopenable,
    &pdf_locked,
    &pdf_no_pages,
    &pdf_no_page,
    &pdf_page_size,
    &pdf_page_unrendered,
    &tiff_pages_unreadable,
    &tiff_page_undecodable,
    &jpeg_truncated,
    &data_undecodable,
    &kind_undecodable,
    &page_empty,
    &kind_out_of_memory,
    &out_of_memory,
    &processing_failed,
    &decode_timeout,
    &decoder_crashed,
    &decoder_exited,
    &decoder_silent,
    &decoder_output,
    &too_many_pages,
    &no_such_input,
    &input_not_regular,
    &input_link_loop,
    &no_such_video,
    &video_unopenable,
    &unknown_format,
    &no_formats,
    &as_written,
    // catalogue-end
};

// The message with `id`, or nullptr.
inline const MessageDef* find(std::string_view id) {
  for (const MessageDef* def : k_catalogue) {
    if (def->id() == id) return def;
  }
  return nullptr;
}

}  // namespace scanner::msg

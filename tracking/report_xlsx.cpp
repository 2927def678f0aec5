#include "tracking/report_xlsx.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/clock.hpp"
#include "tracking/labels.hpp"
#include "tracking/lookup.hpp"

namespace tracking {
namespace {

using common::ErrorCode;
using common::make_error;
using common::Result;
using common::Timestamp;

constexpr auto k_vi = common::Lang::vi;

// The field's name as the national form words it; the code itself for a field we have no name for.
std::string field_name(const std::string& field) {
  if (field.empty()) return "Chưa xác định lĩnh vực";
  if (field == "dat_dai") return "Đất đai";
  if (field == "xay_dung") return "Xây dựng";
  return field;
}

// "13/02/2026", the way Vietnamese forms write a day.
std::string day_text(common::Date day) {
  return fmt::format("{:02}/{:02}/{:04}", static_cast<unsigned>(day.day()),
                     static_cast<unsigned>(day.month()), static_cast<int>(day.year()));
}

// "đến hết ngày 31/03/2026" when the period ends at a local midnight, else "đến 07/12/2026 14:30".
std::string period_end(Timestamp to) {
  const common::Date day = common::local_date(to);
  if (common::local_time(day, 0, 0) == to) {
    return fmt::format("đến hết ngày {}",
                       day_text(common::local_date(to - std::chrono::seconds(1))));
  }
  return fmt::format("đến {} {}", day_text(day), common::format_local(to).substr(11, 5));
}

lxw_datetime excel_time(Timestamp t) {
  // format_local: "2026-02-13 14:30:05"
  const std::string s = common::format_local(t);
  lxw_datetime out{};
  out.year = std::stoi(s.substr(0, 4));
  out.month = std::stoi(s.substr(5, 2));
  out.day = std::stoi(s.substr(8, 2));
  out.hour = std::stoi(s.substr(11, 2));
  out.min = std::stoi(s.substr(14, 2));
  out.sec = std::stoi(s.substr(17, 2));
  return out;
}

// The formats of the form: a title, headers with borders, wrapped and centred, numbers, times.
struct Formats {
  lxw_format* title;
  lxw_format* subtitle;
  lxw_format* header;
  lxw_format* column_number;
  lxw_format* text;
  lxw_format* number;
  lxw_format* time;
  lxw_format* total_text;
  lxw_format* total_number;
  lxw_format* note;

  explicit Formats(lxw_workbook* book) {
    const auto make = [&](bool bold, bool border) {
      lxw_format* f = workbook_add_format(book);
      format_set_font_name(f, "Times New Roman");
      format_set_font_size(f, 12);
      format_set_align(f, LXW_ALIGN_VERTICAL_CENTER);
      if (bold) format_set_bold(f);
      if (border) format_set_border(f, LXW_BORDER_THIN);
      return f;
    };
    title = make(true, false);
    format_set_font_size(title, 14);
    format_set_align(title, LXW_ALIGN_CENTER);
    subtitle = make(false, false);
    format_set_align(subtitle, LXW_ALIGN_CENTER);
    format_set_italic(subtitle);
    header = make(true, true);
    format_set_align(header, LXW_ALIGN_CENTER);
    format_set_text_wrap(header);
    format_set_bg_color(header, 0xDDEBF7);
    column_number = make(false, true);
    format_set_align(column_number, LXW_ALIGN_CENTER);
    format_set_italic(column_number);
    text = make(false, true);
    format_set_text_wrap(text);
    number = make(false, true);
    format_set_num_format(number, "#,##0");
    time = make(false, true);
    format_set_num_format(time, "dd/mm/yyyy hh:mm");
    format_set_align(time, LXW_ALIGN_CENTER);
    total_text = make(true, true);
    format_set_align(total_text, LXW_ALIGN_CENTER);
    total_number = make(true, true);
    format_set_num_format(total_number, "#,##0");
    note = make(false, false);
    format_set_italic(note);
  }
};

// A sheet's title, subtitle lines and the desk, merged across `columns` columns; returns the next
// free row.
lxw_row_t heading(lxw_worksheet* sheet, const Formats& f, const DeskReport& r, lxw_col_t columns,
                  const std::string& title) {
  const std::string desk =
      r.agency_name.empty() ? r.agency_code : fmt::format("{} ({})", r.agency_name, r.agency_code);
  worksheet_merge_range(sheet, 0, 0, 0, columns - 1, fmt::format("Đơn vị: {}", desk).c_str(),
                        f.note);
  worksheet_merge_range(sheet, 1, 0, 1, columns - 1, title.c_str(), f.title);
  worksheet_set_row(sheet, 1, 36, nullptr);
  const std::string period =
      fmt::format("Kỳ báo cáo: từ ngày {} {}", day_text(common::local_date(r.period.from)),
                  period_end(r.period.to));
  worksheet_merge_range(sheet, 2, 0, 2, columns - 1, period.c_str(), f.subtitle);
  return 4;
}

// Sheet 1: the national table, one row per field and a total.
void summary_sheet(lxw_workbook* book, const Formats& f, const DeskReport& r) {
  lxw_worksheet* sheet = workbook_add_worksheet(book, "Báo cáo");
  constexpr lxw_col_t k_columns = 13;
  worksheet_set_landscape(sheet);
  worksheet_set_paper(sheet, 9);  // A4
  worksheet_fit_to_pages(sheet, 1, 0);
  worksheet_set_column(sheet, 0, 0, 6, nullptr);
  worksheet_set_column(sheet, 1, 1, 30, nullptr);
  worksheet_set_column(sheet, 2, k_columns - 1, 12, nullptr);
  lxw_row_t row =
      heading(sheet, f, r, k_columns, "BÁO CÁO TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH");

  // Three header rows: groups, "of which", the split; then the columns' numbers (1)...(13).
  const lxw_row_t top = row;
  worksheet_merge_range(sheet, top, 0, top + 2, 0, "STT", f.header);
  worksheet_merge_range(sheet, top, 1, top + 2, 1, "Lĩnh vực giải quyết", f.header);
  worksheet_merge_range(sheet, top, 2, top, 4, "Số hồ sơ nhận giải quyết", f.header);
  worksheet_merge_range(sheet, top, 5, top, 8, "Kết quả giải quyết", f.header);
  worksheet_merge_range(sheet, top, 9, top, 11, "Số hồ sơ đang giải quyết", f.header);
  worksheet_merge_range(sheet, top, 12, top + 2, 12, "Trả lại, rút, dừng giải quyết", f.header);
  for (const lxw_col_t total_col : {2, 5, 9}) {
    worksheet_merge_range(sheet, top + 1, total_col, top + 2, total_col, "Tổng số", f.header);
  }
  worksheet_merge_range(sheet, top + 1, 3, top + 1, 4, "Trong đó", f.header);
  worksheet_merge_range(sheet, top + 1, 6, top + 1, 8, "Trong đó", f.header);
  worksheet_merge_range(sheet, top + 1, 10, top + 1, 11, "Trong đó", f.header);
  const std::array<std::pair<lxw_col_t, const char*>, 7> split = {{{3, "Từ kỳ trước chuyển sang"},
                                                                   {4, "Mới tiếp nhận trong kỳ"},
                                                                   {6, "Trước hạn"},
                                                                   {7, "Đúng hạn"},
                                                                   {8, "Quá hạn"},
                                                                   {10, "Trong hạn"},
                                                                   {11, "Quá hạn"}}};
  for (const auto& [col, words] : split)
    worksheet_write_string(sheet, top + 2, col, words, f.header);
  worksheet_set_row(sheet, top + 2, 45, nullptr);
  row = top + 3;
  for (lxw_col_t col = 0; col < k_columns; ++col) {
    worksheet_write_string(sheet, row, col, fmt::format("({})", col + 1).c_str(), f.column_number);
  }
  ++row;
  worksheet_freeze_panes(sheet, row, 2);

  const auto counts = [&](const FieldCounts& c, lxw_format* number) {
    const std::array<int, 11> values = {c.carried_over + c.received,
                                        c.carried_over,
                                        c.received,
                                        c.resolved,
                                        c.early,
                                        c.on_time,
                                        c.late,
                                        c.open_within + c.open_overdue,
                                        c.open_within,
                                        c.open_overdue,
                                        c.refused};
    for (std::size_t i = 0; i < values.size(); ++i) {
      worksheet_write_number(sheet, row, static_cast<lxw_col_t>(i + 2), values[i], number);
    }
    ++row;
  };
  int index = 0;
  for (const auto& [field, c] : r.by_field) {
    worksheet_write_number(sheet, row, 0, ++index, f.number);
    worksheet_write_string(sheet, row, 1, field_name(field).c_str(), f.text);
    counts(c, f.number);
  }
  worksheet_merge_range(sheet, row, 0, row, 1, "Tổng cộng", f.total_text);
  counts(r.total, f.total_number);

  ++row;
  const auto channel = [&](int n) {
    const auto found = r.received_by_channel.find(n);
    return found == r.received_by_channel.end() ? 0 : found->second;
  };
  const std::string channels = fmt::format(
      "Hồ sơ mới tiếp nhận trong kỳ theo kênh: trực tiếp {}, trực tuyến {}, qua dịch vụ bưu "
      "chính công ích {}.",
      channel(1), channel(2), channel(3));
  worksheet_merge_range(sheet, row, 0, row, k_columns - 1, channels.c_str(), f.note);
  ++row;
  const int judged = r.total.resolved;
  const std::string on_time =
      judged == 0 ? std::string("Chưa có hồ sơ giải quyết xong trong kỳ.")
                  : fmt::format(
                        "Tỷ lệ giải quyết trước hạn và đúng hạn: {:.1f} %. Quá hạn {}: {} "
                        "do yêu cầu bổ sung quá một lần, {} có văn bản xin lỗi.",
                        100.0 * (r.total.early + r.total.on_time) / judged, r.total.late,
                        r.late_many_supplements, r.late_apologised);
  worksheet_merge_range(sheet, row, 0, row, k_columns - 1, on_time.c_str(), f.note);
  ++row;
  const std::string made =
      fmt::format("Lập lúc {} (giờ Việt Nam).", common::format_local(r.generated_at).substr(0, 16));
  worksheet_merge_range(sheet, row, 0, row, k_columns - 1, made.c_str(), f.note);
}

// Sheet 2: the dossiers resolved late in the period, then those still open past their deadline.
void late_sheet(lxw_workbook* book, const Formats& f, const DeskReport& r) {
  lxw_worksheet* sheet = workbook_add_worksheet(book, "Hồ sơ quá hạn");
  constexpr lxw_col_t k_columns = 8;
  worksheet_set_landscape(sheet);
  worksheet_fit_to_pages(sheet, 1, 0);
  const std::array<std::pair<const char*, double>, k_columns> columns = {
      {{"STT", 6},
       {"Mã hồ sơ", 26},
       {"Lĩnh vực", 18},
       {"Tình trạng", 24},
       {"Ngày hẹn trả kết quả", 18},
       {"Ngày giải quyết xong", 18},
       {"Số ngày làm việc quá hạn", 14},
       {"Lý do quá hạn", 40}}};
  lxw_row_t row =
      heading(sheet, f, r, k_columns, "DANH SÁCH HỒ SƠ GIẢI QUYẾT QUÁ HẠN, ĐANG QUÁ HẠN");
  for (lxw_col_t col = 0; col < k_columns; ++col) {
    worksheet_set_column(sheet, col, col, columns[col].second, nullptr);
    worksheet_write_string(sheet, row, col, columns[col].first, f.header);
  }
  worksheet_set_row(sheet, row, 32, nullptr);
  worksheet_repeat_rows(sheet, row, row);
  ++row;
  worksheet_freeze_panes(sheet, row, 0);
  int index = 0;
  const auto time_cell = [&](lxw_col_t col, const std::optional<Timestamp>& t) {
    if (!t) {
      worksheet_write_string(sheet, row, col, "", f.text);
      return;
    }
    lxw_datetime when = excel_time(*t);
    worksheet_write_datetime(sheet, row, col, &when, f.time);
  };
  for (const LateDossier& l : r.late) {
    worksheet_write_number(sheet, row, 0, ++index, f.number);
    worksheet_write_string(sheet, row, 1, l.code.c_str(), f.text);
    worksheet_write_string(sheet, row, 2, field_name(l.field).c_str(), f.text);
    worksheet_write_string(sheet, row, 3, "Đã giải quyết, quá hạn", f.text);
    time_cell(4, l.appointment);
    time_cell(5, l.finished_at);
    worksheet_write_string(sheet, row, 6, "", f.text);
    worksheet_write_string(sheet, row, 7, late_reason_text(l.reason).render(k_vi).c_str(), f.text);
    ++row;
  }
  for (const BacklogDossier& b : r.backlog) {
    worksheet_write_number(sheet, row, 0, ++index, f.number);
    worksheet_write_string(sheet, row, 1, b.code.c_str(), f.text);
    worksheet_write_string(sheet, row, 2, field_name(b.field).c_str(), f.text);
    const std::string state =
        fmt::format("Đang quá hạn ({})", common::Text{state_label(b.state)}.render(k_vi));
    worksheet_write_string(sheet, row, 3, state.c_str(), f.text);
    time_cell(4, b.due_at);
    time_cell(5, std::nullopt);
    worksheet_write_number(sheet, row, 6, b.working_days_overdue, f.number);
    worksheet_write_string(sheet, row, 7, "", f.text);
    ++row;
  }
  if (index == 0) {
    worksheet_merge_range(sheet, row, 0, row, k_columns - 1,
                          "Không có hồ sơ quá hạn trong kỳ báo cáo.", f.note);
  }
}

// Sheet 3: the post: transit per route against the J+n limits, and failed return deliveries.
void post_sheet(lxw_workbook* book, const Formats& f, const DeskReport& r) {
  lxw_worksheet* sheet = workbook_add_worksheet(book, "Bưu chính");
  constexpr lxw_col_t k_columns = 9;
  worksheet_set_landscape(sheet);
  worksheet_fit_to_pages(sheet, 1, 0);
  const std::array<std::pair<const char*, double>, k_columns> columns = {{{"Chiều", 18},
                                                                          {"Hãng", 10},
                                                                          {"Từ", 18},
                                                                          {"Đến", 18},
                                                                          {"Chỉ tiêu (J+n)", 12},
                                                                          {"Số bưu gửi", 11},
                                                                          {"Đạt chỉ tiêu", 11},
                                                                          {"Vượt chỉ tiêu", 11},
                                                                          {"Trung vị (giờ)", 11}}};
  lxw_row_t row = heading(sheet, f, r, k_columns, "THỜI GIAN VẬN CHUYỂN BƯU CHÍNH (J+n)");
  for (lxw_col_t col = 0; col < k_columns; ++col) {
    worksheet_set_column(sheet, col, col, columns[col].second, nullptr);
    worksheet_write_string(sheet, row, col, columns[col].first, f.header);
  }
  worksheet_set_row(sheet, row, 32, nullptr);
  ++row;
  for (const RouteTransit& t : r.transit) {
    worksheet_write_string(sheet, row, 0,
                           t.direction == db::Direction::inbound ? "Hồ sơ gửi đến" : "Trả kết quả",
                           f.text);
    worksheet_write_string(sheet, row, 1, t.carrier.c_str(), f.text);
    worksheet_write_string(sheet, row, 2, t.from.c_str(), f.text);
    worksheet_write_string(sheet, row, 3, t.to.c_str(), f.text);
    worksheet_write_string(sheet, row, 4,
                           t.limit_days ? fmt::format("J+{}", *t.limit_days).c_str() : "—", f.text);
    worksheet_write_number(sheet, row, 5, t.shipments, f.number);
    worksheet_write_number(sheet, row, 6, t.within_limit, f.number);
    worksheet_write_number(sheet, row, 7, t.over_limit, f.number);
    worksheet_write_number(sheet, row, 8, t.median_hours, f.number);
    ++row;
  }
  if (r.transit.empty()) {
    worksheet_merge_range(sheet, row, 0, row, k_columns - 1,
                          "Không có bưu gửi nào được phát trong kỳ.", f.note);
    ++row;
  }
  row += 1;
  worksheet_merge_range(sheet, row, 0, row, k_columns - 1, "PHÁT KẾT QUẢ KHÔNG THÀNH CÔNG",
                        f.title);
  ++row;
  const std::array<const char*, 6> failed_columns = {
      "Số hiệu bưu gửi",          "Mã hồ sơ",          "Hãng", "Số lần phát không thành công",
      "Lần đầu không thành công", "Tình trạng bưu gửi"};
  for (lxw_col_t col = 0; col < failed_columns.size(); ++col) {
    worksheet_write_string(sheet, row, col, failed_columns[col], f.header);
  }
  worksheet_set_row(sheet, row, 32, nullptr);
  ++row;
  for (const FailedDelivery& d : r.failed_deliveries) {
    worksheet_write_string(sheet, row, 0, d.tracking_number.c_str(), f.text);
    worksheet_write_string(sheet, row, 1, d.dossier_code.c_str(), f.text);
    worksheet_write_string(sheet, row, 2, d.carrier.c_str(), f.text);
    worksheet_write_number(sheet, row, 3, d.failed_attempts, f.number);
    lxw_datetime when = excel_time(d.first_failure_at);
    worksheet_write_datetime(sheet, row, 4, &when, f.time);
    std::string status(carrier_status_label(d.shipment_status));
    if (d.returned_to_desk) status += " (đã chuyển hoàn về bộ phận một cửa)";
    worksheet_write_string(sheet, row, 5, status.c_str(), f.text);
    ++row;
  }
  if (r.failed_deliveries.empty()) {
    worksheet_merge_range(sheet, row, 0, row, k_columns - 1,
                          "Không có lần phát kết quả nào không thành công trong kỳ.", f.note);
  }
}

}  // namespace

Result<std::string> report_xlsx(const DeskReport& report) {
  std::error_code failed;
  const std::filesystem::path folder = std::filesystem::temp_directory_path(failed);
  if (failed) return make_error(ErrorCode::io_error, "no temporary folder: " + failed.message());
  std::string path = (folder / "hoso-report-XXXXXX.xlsx").string();
  const int fd = ::mkstemps(path.data(), 5);  // 0600
  if (fd < 0) return make_error(ErrorCode::io_error, "cannot create a file in " + folder.string());
  ::close(fd);
  struct Remove {
    std::string path;
    ~Remove() { std::remove(path.c_str()); }
  } remove{path};

  lxw_workbook_options options{};
  const std::string tmpdir = folder.string();
  options.tmpdir = const_cast<char*>(tmpdir.c_str());
  lxw_workbook* book = workbook_new_opt(path.c_str(), &options);
  if (book == nullptr) return make_error(ErrorCode::io_error, "cannot start a workbook at " + path);
  lxw_doc_properties properties{};
  properties.title = const_cast<char*>("Báo cáo tình hình, kết quả giải quyết thủ tục hành chính");
  properties.author = const_cast<char*>("hoso");
  workbook_set_properties(book, &properties);
  const Formats formats(book);
  summary_sheet(book, formats, report);
  late_sheet(book, formats, report);
  post_sheet(book, formats, report);
  if (const lxw_error closed = workbook_close(book); closed != LXW_NO_ERROR) {
    return make_error(ErrorCode::io_error,
                      fmt::format("cannot write the workbook: {}", lxw_strerror(closed)));
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (!in) return make_error(ErrorCode::io_error, "cannot read the workbook back from " + path);
  return bytes.str();
}

}  // namespace tracking

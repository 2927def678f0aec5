// The desk's report as an Excel workbook (.xlsx), laid out like the official periodic report on
// the handling of administrative procedure dossiers ("báo cáo tình hình, kết quả giải quyết thủ
// tục hành chính"): per field, dossiers received (carried over, new), resolved (early, on time,
// late), still open (within the deadline, overdue), with merged header cells and a totals row;
// a second sheet lists the late and overdue dossiers, a third the post (J+n transit per route and
// failed return deliveries). In Vietnamese, as the form is sent up the hierarchy.
// Knows only a built DeskReport: no database, no HTTP; libxlsxwriter stays inside the .cpp.
// Like the other renderings, it holds no personal data (dossier codes and tracking numbers only).
#pragma once

#include <string>

#include "common/result.hpp"
#include "tracking/report.hpp"

namespace tracking {

// The workbook's bytes (a zip file). Writes a temporary file (mode 0600) in the system's temporary
// folder and removes it before returning. Fails with io_error when the file cannot be written.
// Thread-safe (nothing shared).
common::Result<std::string> report_xlsx(const DeskReport& report);

}  // namespace tracking

// The printable documents (tracking/documents) from a real SQLite desk moved through the real
// lifecycle: each form shows its key fields; a return label, printed (rsvg-convert) and scanned by
// our scanner, gives back its tracking number and the lookup page link without the lookup code
// (the receipt's link has it); Vietnamese text survives; a hostile name is shown as text; documents
// that do not apply are refused with a reason.
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <sys/stat.h>

#include <algorithm>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "db/settings.hpp"
#include "db/store.hpp"
#include "scanner/scanner.hpp"
#include "tests/support/desk.hpp"
#include "tracking/documents.hpp"
#include "tracking/lifecycle.hpp"
#include "tracking/public_link.hpp"
#include "tracking/result_delivery.hpp"

namespace {

using common::Result;
using common::Timestamp;
using tracking::Action;

using test_support::k_agency;
constexpr const char* k_agency_name = "Bộ phận Một cửa UBND quận Hải Châu";
constexpr const char* k_agency_address = "24 Trần Phú, phường Thạch Thang, Hải Châu, Đà Nẵng";
constexpr const char* k_public_url = "https://motcua.example.vn/";
constexpr const char* k_name = "Nguyễn Thị Hồng Nhung";
constexpr const char* k_procedure_name = "Đăng ký biến động quyền sử dụng đất";

using test_support::at;

struct Applicant {
  std::string name = k_name;
  std::string phone = "0905 123 456";
  std::string address = "12 Lê Lợi, Hải Châu, Đà Nẵng";
  std::string return_address = "Tổ 5, phường Hòa Minh, Liên Chiểu, Đà Nẵng";
};

// A desk with its agency, settings, one procedure (5 working days) and a lifecycle on a clock set
// to Monday 2 March 2026 10:00.
struct Desk : test_support::Desk {
  tracking::Lifecycle life{*store, clock};

  Desk() : test_support::Desk(at("2026-03-02 10:00"), k_agency_name) {
    set(db::k_setting_agency_address, k_agency_address);
    set(db::k_setting_agency_phone, "0236 3821 000");
    set(db::k_setting_agency_province, "Đà Nẵng");
    set(db::k_setting_public_url, k_public_url);
    add_procedure("1.004227", 5, k_procedure_name);
  }

  // A dossier as intake registers it: handed over at `filed`, with its envelope and applicant.
  db::Id add_dossier(Timestamp filed, const std::string& tracking_number,
                     const Applicant& applicant = {}) {
    test_support::Received how;
    how.tracking_number = tracking_number;
    how.filed = filed;
    how.lookup_code = "K7Q2M9XA";
    how.applicant->id_number = "048190000123";
    how.applicant->full_name = applicant.name;
    how.applicant->address = applicant.address;
    how.applicant->phone = applicant.phone;
    how.applicant->return_address = applicant.return_address;
    how.event_data = "{\"tracking_number\":\"" + tracking_number + "\"}";
    how.event_at_filing = true;
    return receive(how);
  }

  // `actor` takes `action`; `text` is what its form prints: the missing documents of a supplement
  // request, the reason of a refusal or of an apology (which sets the new date to 12 March 2026).
  tracking::Transition act(db::Id id, Action action, const char* actor = "lan.nt",
                           const std::string& text = "") {
    tracking::ActionRequest r;
    r.action = action;
    r.actor = actor;
    if (action == Action::accept) r.procedure_code = "1.004227";
    if (action == Action::request_supplement) r.missing = text;
    if (action == Action::refuse || action == Action::apologise) r.reason = text;
    if (action == Action::apologise) r.new_date = common::parse_date("2026-03-12").value();
    auto done = life.apply(id, r);
    INFO((done ? std::string() : done.error().message));
    REQUIRE(done.has_value());
    return *done;
  }

  // Accepted, processed and handed to the carrier with return number `number`, as dispatch does.
  void dispatch(db::Id id, const std::string& number) {
    act(id, Action::accept);
    act(id, Action::start_processing);
    act(id, Action::mark_processed);
    db::Shipment s = shipment(number, db::Direction::outbound, "pending", clock.now(), id);
    s.order_code = "HOSO-" + std::to_string(id);
    write([&](db::Transaction& tx) -> Result<void> {
      (void)tx.insert_shipment(s).value();
      tracking::ActionRequest r;
      r.action = Action::dispatch_return;
      r.actor = "dispatch";
      r.details = {{"tracking_number", number}};
      auto done = tracking::apply_action(tx, clock.now(), id, r);
      if (!done) return done.error();
      return {};
    });
  }

  template <class T>
  T load(const std::function<Result<T>(db::Transaction&)>& loader) {
    std::optional<T> out;
    auto read = store->read([&](db::Transaction& tx) -> Result<void> {
      auto loaded = loader(tx);
      if (!loaded) return loaded.error();
      out = std::move(*loaded);
      return {};
    });
    INFO((read ? std::string() : read.error().message));
    REQUIRE(read.has_value());
    return std::move(*out);
  }

  common::Error load_error(const std::function<Result<void>(db::Transaction&)>& loader) {
    auto read = store->read(loader);
    REQUIRE_FALSE(read.has_value());
    return read.error();
  }

  std::string dossier_code(db::Id id) {
    return load<std::string>([&](db::Transaction& tx) -> Result<std::string> {
      return tx.get_dossier(id).value()->code.value_or("");
    });
  }
};

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::size_t count_of(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

// Every inline <svg>...</svg> of a page.
std::vector<std::string> svgs_of(const std::string& html) {
  std::vector<std::string> out;
  for (auto start = html.find("<svg "); start != std::string::npos;
       start = html.find("<svg ", start + 1)) {
    const auto end = html.find("</svg>", start);
    REQUIRE(end != std::string::npos);
    out.push_back(html.substr(start, end + 6 - start));
  }
  return out;
}

// Each SVG printed at 300 dpi (rsvg-convert, Debian package librsvg2-bin) and scanned by our
// scanner: the texts read, in order.
std::vector<std::string> print_and_scan(const std::vector<std::string>& svgs,
                                        const test_support::TempDir& dir) {
  scanner::ScannerOptions options;
  options.jobs = 1;
  options.worker_path = (test_support::bin_dir() / "hoso-decode-worker").string();
  auto scanner = scanner::Scanner::open(options);
  REQUIRE(scanner.has_value());
  std::vector<std::string> texts;
  for (std::size_t i = 0; i < svgs.size(); ++i) {
    const auto svg = dir.write("code-" + std::to_string(i) + ".svg", svgs[i]);
    const auto png = dir / ("code-" + std::to_string(i) + ".png");
    const auto converted = test_support::run_command(
        "rsvg-convert --dpi-x 300 --dpi-y 300 --background-color white -o " +
            test_support::shell_quote(png.string()) + " " + test_support::shell_quote(svg.string()),
        dir.path());
    INFO("rsvg-convert (see scripts/bootstrap): " << converted.err);
    REQUIRE(converted.exit_code == 0);
    const auto result = scanner->scan_file(png.string());
    REQUIRE(result.readable());
    for (const auto& page : result.pages) {
      for (const auto& symbol : page.symbols) texts.push_back(symbol.text);
    }
  }
  return texts;
}

}  // namespace

TEST_CASE("a printed return label scans back to its tracking number and the lookup page link") {
  Desk desk;
  const db::Id id = desk.add_dossier(at("2026-03-02 09:00"), "EB123456785VN");
  desk.dispatch(id, "EL491610889VN");
  const std::string code = desk.dossier_code(id);
  const auto label = desk.load<tracking::ReturnLabel>(
      [&](db::Transaction& tx) { return tracking::load_return_label(tx, id); });
  auto html = tracking::render_labels(std::span(&label, 1), tracking::LabelSize::a6,
                                      tracking::LabelLayout::one_per_page);
  REQUIRE(html.has_value());

  const auto svgs = svgs_of(*html);
  REQUIRE(svgs.size() == 2);
  const auto texts = print_and_scan(svgs, desk.dir);
  const std::string page_url = tracking::public_lookup_page_url(k_public_url, code);
  CHECK(std::count(texts.begin(), texts.end(), "EL491610889VN") == 1);
  CHECK(std::count(texts.begin(), texts.end(), page_url) == 1);
  CHECK(texts.size() == 2);

  // What the postman reads: the number in text, sender and receiver with their diacritics.
  CHECK(contains(*html, "<div class=\"tracking-number\">EL491610889VN</div>"));
  CHECK(contains(*html, "@page { size: 105mm 148mm"));
  CHECK(contains(*html, k_agency_name));
  CHECK(contains(*html, k_agency_address));
  CHECK(contains(*html, "0236 3821 000"));
  CHECK(contains(*html, "<div class=\"receiver-name\">Nguyễn Thị Hồng Nhung</div>"));
  CHECK(contains(*html, "0905 123 456"));
  CHECK(contains(*html, "Tổ 5, phường Hòa Minh, Liên Chiểu, Đà Nẵng"));
  CHECK_FALSE(contains(*html, "12 Lê Lợi"));  // the result goes to the return address
}

TEST_CASE("regression: a return label shows the lookup code neither in its QR code nor in text") {
  Desk desk;
  const db::Id id = desk.add_dossier(at("2026-03-02 09:00"), "EB123456785VN");
  desk.dispatch(id, "EL491610889VN");
  const std::string code = desk.dossier_code(id);
  const auto label = desk.load<tracking::ReturnLabel>(
      [&](db::Transaction& tx) { return tracking::load_return_label(tx, id); });
  CHECK(label.lookup_url == "https://motcua.example.vn/tra-cuu?ma=" + code);
  auto html = tracking::render_labels(std::span(&label, 1), tracking::LabelSize::a6,
                                      tracking::LabelLayout::one_per_page);
  REQUIRE(html.has_value());
  CHECK_FALSE(contains(*html, "K7Q2M9XA"));
  CHECK_FALSE(contains(*html, "mk="));

  // The QR code, scanned back: the page link, which asks for the lookup code.
  const auto texts = print_and_scan(svgs_of(*html), desk.dir);
  REQUIRE(texts.size() == 2);
  for (const std::string& text : texts) {
    CAPTURE(text);
    CHECK_FALSE(contains(text, "K7Q2M9XA"));
    CHECK_FALSE(contains(text, "mk="));
  }
  CHECK(texts[1] == tracking::public_lookup_page_url(k_public_url, code));

  // The receipt the citizen keeps still carries it, in its QR code and in text.
  const auto receipt = desk.load<tracking::ReceiptForm>(
      [&](db::Transaction& tx) { return tracking::load_receipt(tx, id); });
  auto receipt_html = tracking::render_receipt(receipt);
  REQUIRE(receipt_html.has_value());
  CHECK(contains(*receipt_html, "K7Q2M9XA"));
  const auto receipt_texts = print_and_scan(svgs_of(*receipt_html), desk.dir);
  REQUIRE(receipt_texts.size() == 2);
  CHECK(receipt_texts[1] == tracking::public_lookup_url(k_public_url, code, "K7Q2M9XA"));
}

TEST_CASE("a label whose lookup link carries a lookup code is refused") {
  tracking::ReturnLabel label;
  label.dossier_id = 7;
  label.tracking_number = "EL491610889VN";
  label.carrier = "vnpost";
  for (const std::string& url :
       {tracking::public_lookup_url(k_public_url, "000.00.05.H12-260302-0001", "K7Q2M9XA"),
        std::string("https://motcua.example.vn/tra-cuu?mk=K7Q2M9XA")}) {
    CAPTURE(url);
    label.lookup_url = url;
    auto html = tracking::render_labels(std::span(&label, 1), tracking::LabelSize::a6,
                                        tracking::LabelLayout::one_per_page);
    REQUIRE_FALSE(html.has_value());
    CHECK(html.error().code == common::ErrorCode::invalid_argument);
    CHECK(contains(html.error().message, "#7"));
    CHECK(contains(html.error().message, "public_lookup_page_url"));
  }
}

TEST_CASE("the lookup page link has one slash after the base and an encoded code") {
  CHECK(tracking::public_lookup_page_url("https://motcua.example.vn//", "EB123456785VN") ==
        "https://motcua.example.vn/tra-cuu?ma=EB123456785VN");
  CHECK(tracking::public_lookup_page_url("https://motcua.example.vn", "a b&c") ==
        "https://motcua.example.vn/tra-cuu?ma=a%20b%26c");
  CHECK(tracking::public_lookup_url("https://motcua.example.vn/", "a b", "K7 Q") ==
        "https://motcua.example.vn/tra-cuu?ma=a%20b&mk=K7%20Q");
}

TEST_CASE("a label without a return address goes to the permanent address") {
  Desk desk;
  Applicant applicant;
  applicant.return_address.clear();
  const db::Id id = desk.add_dossier(at("2026-03-02 09:00"), "EB123456785VN", applicant);
  desk.dispatch(id, "EL491610889VN");
  const auto label = desk.load<tracking::ReturnLabel>(
      [&](db::Transaction& tx) { return tracking::load_return_label(tx, id); });
  CHECK(label.receiver_address == "12 Lê Lợi, Hải Châu, Đà Nẵng");
}

TEST_CASE("a label for a dossier without a return shipment is refused with what to do") {
  Desk desk;
  const db::Id id = desk.add_dossier(at("2026-03-02 09:00"), "EB123456785VN");
  desk.act(id, Action::accept);
  const common::Error error = desk.load_error([&](db::Transaction& tx) -> Result<void> {
    auto label = tracking::load_return_label(tx, id);
    if (!label) return label.error();
    return {};
  });
  CHECK(error.code == common::ErrorCode::not_found);
  CHECK(contains(error.message, "has no return shipment"));
  CHECK(contains(error.message, "#" + std::to_string(id)));
  CHECK(error.text.id() == "label_no_return_shipment");
  CHECK(contains(error.render(common::Lang::vi), "chưa gửi trả kết quả qua bưu chính"));
}

TEST_CASE("labels of 100 x 150 mm come one per page or two to an A4 sheet") {
  Desk desk;
  std::vector<tracking::ReturnLabel> labels;
  for (const char* number : {"EL000000015VN", "EL000000029VN", "EL000000032VN"}) {
    const db::Id id = desk.add_dossier(at("2026-03-02 09:00"), std::string("R") + number);
    desk.dispatch(id, number);
    labels.push_back(desk.load<tracking::ReturnLabel>(
        [&](db::Transaction& tx) { return tracking::load_return_label(tx, id); }));
  }
  auto single = tracking::render_labels(labels, tracking::LabelSize::mm100x150,
                                        tracking::LabelLayout::one_per_page);
  REQUIRE(single.has_value());
  CHECK(contains(*single, "@page { size: 100mm 150mm"));
  CHECK(count_of(*single, "<div class=\"page\">") == 3);
  CHECK(count_of(*single, "class=\"barcode code128\"") == 3);

  auto sheet =
      tracking::render_labels(labels, tracking::LabelSize::mm100x150, tracking::LabelLayout::sheet);
  REQUIRE(sheet.has_value());
  CHECK(contains(*sheet, "@page { size: A4"));
  CHECK(count_of(*sheet, "<div class=\"page sheet\">") == 2);
  CHECK(count_of(*sheet, "<div class=\"label\">") == 3);
}

TEST_CASE("a hostile name read from a QR code is printed as text on every document") {
  Desk desk;
  Applicant hostile;
  hostile.name = "<script>alert(1)</script>";
  hostile.return_address = "\"><img src=x onerror=alert(2)> & Co";
  const db::Id id = desk.add_dossier(at("2026-03-02 09:00"), "EB123456785VN", hostile);
  desk.dispatch(id, "EL491610889VN");
  const auto receipt = desk.load<tracking::ReceiptForm>(
      [&](db::Transaction& tx) { return tracking::load_receipt(tx, id); });
  const auto sheet = desk.load<tracking::ControlSheet>(
      [&](db::Transaction& tx) { return tracking::load_control_sheet(tx, id); });
  const auto label = desk.load<tracking::ReturnLabel>(
      [&](db::Transaction& tx) { return tracking::load_return_label(tx, id); });
  const auto reg = desk.load<tracking::YearRegister>(
      [&](db::Transaction& tx) { return tracking::load_register(tx, 2026, desk.clock.now()); });
  const std::vector<Result<std::string>> pages = {
      tracking::render_receipt(receipt), tracking::render_control_sheet(sheet),
      tracking::render_labels(std::span(&label, 1), tracking::LabelSize::a6,
                              tracking::LabelLayout::one_per_page),
      tracking::render_register(reg)};
  for (const auto& page : pages) {
    REQUIRE(page.has_value());
    CHECK_FALSE(contains(*page, "<script"));
    CHECK_FALSE(contains(*page, "<img"));
  }
  CHECK(contains(*pages[0], "&lt;script&gt;alert(1)&lt;/script&gt;"));
  CHECK(contains(*pages[2], "&quot;&gt;&lt;img src=x onerror=alert(2)&gt; &amp; Co"));
  CHECK(contains(*pages[3], "&lt;script&gt;alert(1)&lt;/script&gt;"));
}

TEST_CASE("the receipt shows the dossier code as Code 128 and the lookup link as a QR code") {
  Desk desk;
  const db::Id id = desk.add_dossier(at("2026-03-02 09:00"), "EB123456785VN");
  desk.act(id, Action::accept, "an.nv");
  const std::string code = desk.dossier_code(id);
  REQUIRE(code == "000.00.05.H12-260302-0001");
  const auto form = desk.load<tracking::ReceiptForm>(
      [&](db::Transaction& tx) { return tracking::load_receipt(tx, id); });
  auto html = tracking::render_receipt(form);
  REQUIRE(html.has_value());

  CHECK(contains(*html, "<meta charset=\"utf-8\">"));
  CHECK(contains(*html, "@page { size: A5"));
  CHECK(contains(*html, "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"));
  CHECK(contains(*html, "<b class=\"code dossier-code\">000.00.05.H12-260302-0001</b>"));
  CHECK(contains(*html, "<b class=\"code lookup-code\">K7Q2M9XA</b>"));
  // Filed Monday 2 March 2026 09:00 with 5 working days: due Monday 9 March 17:00.
  CHECK(contains(*html, "<b class=\"due-date\">17 giờ 00 phút, ngày 09/03/2026</b>"));
  CHECK(contains(*html, "9 giờ 00 phút, ngày 02/03/2026"));
  CHECK(contains(*html, k_procedure_name));
  CHECK(contains(*html, "5 ngày làm việc"));
  CHECK(contains(*html, k_name));
  CHECK(contains(*html, "EB123456785VN"));
  CHECK(contains(*html, "qua dịch vụ bưu chính công ích, gửi đến Nguyễn Thị Hồng Nhung, Tổ 5"));
  CHECK(contains(*html, "an.nv"));

  const auto texts = print_and_scan(svgs_of(*html), desk.dir);
  REQUIRE(texts.size() == 2);
  CHECK(texts[0] == code);
  CHECK(texts[1] == tracking::public_lookup_url(k_public_url, code, "K7Q2M9XA"));
}

// Form 01 says how the result goes back as the citizen chose (docs/domain.md §1.5), the fees the
// procedure charges (§5.5) and who pays the return postage (Decision 45/2016 Art. 12(3)).
TEST_CASE(
    "the receipt prints the result's way back, the procedure's fee and who pays the postage") {
  Desk desk;
  const db::Id procedure = desk.add_procedure("1.004227", 5, k_procedure_name);
  desk.write([&](db::Transaction& tx) -> common::Result<void> {
    TRY_ASSIGN(auto p, tx.get_procedure(procedure));
    REQUIRE(p.has_value());
    p->fee_vnd = 1'250'000;
    TRY(tx.upsert_procedure(*p));
    return {};
  });
  const db::Id by_post = desk.add_dossier(at("2026-03-02 09:00"), "EB123456785VN");
  const db::Id at_desk = desk.add_dossier(at("2026-03-02 09:10"), "EB000000015VN");
  desk.act(by_post, Action::accept, "an.nv");
  desk.act(at_desk, Action::accept, "an.nv");
  REQUIRE(tracking::set_result_delivery(*desk.store, desk.clock, at_desk, db::ResultDelivery::desk,
                                        "an.nv")
              .has_value());
  auto receipt = [&](db::Id id) {
    const auto form = desk.load<tracking::ReceiptForm>(
        [&](db::Transaction& tx) { return tracking::load_receipt(tx, id); });
    return tracking::render_receipt(form).value();
  };

  std::string html = receipt(by_post);
  CHECK(contains(html, "5. Hình thức trả kết quả:</span> qua dịch vụ bưu chính công ích"));
  CHECK(contains(html, "cước phí do người nộp hồ sơ trả"));
  CHECK(contains(html, "6. Phí, lệ phí (nếu có):</span> 1.250.000 đ"));
  CHECK_FALSE(contains(html, "Đăng ký nhận kết quả tại"));

  html = receipt(at_desk);
  CHECK(contains(html, "5. Đăng ký nhận kết quả tại:</span> " + std::string(k_agency_name) +
                           " (nhận trực tiếp)"));
  CHECK_FALSE(contains(html, "qua dịch vụ bưu chính công ích, gửi đến"));

  desk.set(db::k_setting_return_postage_payer, "agency");
  CHECK(contains(receipt(by_post), "cước phí do cơ quan giải quyết trả"));
}

TEST_CASE("a receipt for a procedure without a known fee leaves a line to fill in by hand") {
  Desk desk;
  const db::Id id = desk.add_dossier(at("2026-03-02 09:00"), "EB123456785VN");
  desk.act(id, Action::accept, "an.nv");
  const auto form = desk.load<tracking::ReceiptForm>(
      [&](db::Transaction& tx) { return tracking::load_receipt(tx, id); });
  CHECK(contains(tracking::render_receipt(form).value(),
                 "6. Phí, lệ phí (nếu có):</span> <span class=\"blank\">………"));
}

TEST_CASE("the receipts of several dossiers print as one document, a page each") {
  Desk desk;
  const db::Id first = desk.add_dossier(at("2026-03-02 09:00"), "EB123456785VN");
  const db::Id second = desk.add_dossier(at("2026-03-02 09:10"), "EB987654312VN");
  desk.act(first, Action::accept, "an.nv");
  desk.act(second, Action::accept, "an.nv");
  std::vector<tracking::ReceiptForm> forms;
  for (const db::Id id : {first, second}) {
    forms.push_back(desk.load<tracking::ReceiptForm>(
        [&](db::Transaction& tx) { return tracking::load_receipt(tx, id); }));
  }
  const auto html = tracking::render_receipts(forms);
  REQUIRE(html.has_value());
  CHECK(count_of(*html, "<div class=\"page form-01\">") == 2);
  CHECK(count_of(*html, "<!DOCTYPE html>") == 1);
  CHECK(contains(*html, "<title>Giấy tiếp nhận hồ sơ và hẹn trả kết quả — 2 hồ sơ</title>"));
  CHECK(contains(*html, desk.dossier_code(first)));
  CHECK(contains(*html, desk.dossier_code(second)));
  // Each page has its own barcodes: two a receipt.
  CHECK(svgs_of(*html).size() == 4);
  const auto none = tracking::render_receipts({});
  REQUIRE(!none.has_value());
  CHECK(none.error().code == common::ErrorCode::invalid_argument);
}

TEST_CASE("no receipt is printed for a dossier that has not been accepted") {
  Desk desk;
  const db::Id id = desk.add_dossier(at("2026-03-02 09:00"), "EB123456785VN");
  const common::Error error = desk.load_error([&](db::Transaction& tx) -> Result<void> {
    auto form = tracking::load_receipt(tx, id);
    if (!form) return form.error();
    return {};
  });
  CHECK(error.code == common::ErrorCode::invalid_argument);
  CHECK(contains(error.message, "accept it first"));
  CHECK(contains(error.render(common::Lang::vi), "chưa được tiếp nhận"));
}

TEST_CASE("the supplement request lists every missing document") {
  Desk desk;
  const db::Id id = desk.add_dossier(at("2026-03-02 09:00"), "EB123456785VN");
  tracking::ActionRequest r;
  r.action = Action::request_supplement;
  r.actor = "lan.nt";
  r.missing = "Bản sao Giấy chứng nhận; Tờ khai đăng ký biến động\nSơ đồ thửa đất";
  r.reason = "Thiếu giấy tờ theo quy định";
  REQUIRE(desk.life.apply(id, r).has_value());
  const auto form = desk.load<tracking::SupplementForm>(
      [&](db::Transaction& tx) { return tracking::load_supplement_request(tx, id); });
  auto html = tracking::render_supplement_request(form);
  REQUIRE(html.has_value());
  CHECK(contains(*html, "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"));
  CHECK(contains(*html, "<li>Bản sao Giấy chứng nhận</li>"));
  CHECK(contains(*html, "<li>Tờ khai đăng ký biến động</li>"));
  CHECK(contains(*html, "<li>Sơ đồ thửa đất</li>"));
  CHECK(count_of(*html, "<li>") == 3);
  CHECK(contains(*html, "Thiếu giấy tờ theo quy định"));
  CHECK(contains(*html, k_name));
  CHECK(contains(*html, "lan.nt"));
}

TEST_CASE("form 02 of an accepted dossier carries its code as a Code 128 that scans back") {
  Desk desk;
  const db::Id id = desk.add_dossier(at("2026-03-02 09:00"), "EB123456785VN");
  desk.act(id, Action::accept);
  desk.act(id, Action::request_supplement, "lan.nt", "Tờ khai đăng ký biến động");
  const std::string code = desk.dossier_code(id);
  REQUIRE_FALSE(code.empty());
  const auto form = desk.load<tracking::SupplementForm>(
      [&](db::Transaction& tx) { return tracking::load_supplement_request(tx, id); });
  auto html = tracking::render_supplement_request(form);
  REQUIRE(html.has_value());
  const auto svgs = svgs_of(*html);
  REQUIRE(svgs.size() == 1);
  // What the mailroom's scanner reads from the form enclosed with the supplement.
  const auto texts = print_and_scan(svgs, desk.dir);
  REQUIRE(texts.size() == 1);
  CHECK(texts[0] == code);
  // The citizen is asked to enclose the form or write the code on the envelope.
  CHECK(contains(*html, "gửi kèm phiếu này hoặc ghi mã hồ sơ <span class=\"code\">" + code));
}

TEST_CASE("form 02 of a dossier asked for more before acceptance has no code to print") {
  Desk desk;
  const db::Id id = desk.add_dossier(at("2026-03-02 09:00"), "EB123456785VN");
  desk.act(id, Action::request_supplement, "lan.nt", "Tờ khai đăng ký biến động");
  const auto form = desk.load<tracking::SupplementForm>(
      [&](db::Transaction& tx) { return tracking::load_supplement_request(tx, id); });
  auto html = tracking::render_supplement_request(form);
  REQUIRE(html.has_value());
  CHECK(svgs_of(*html).empty());
  CHECK_FALSE(contains(*html, "ghi mã hồ sơ"));
}

TEST_CASE("the refusal gives its reasons to the citizen") {
  Desk desk;
  const db::Id id = desk.add_dossier(at("2026-03-02 09:00"), "EB123456785VN");
  tracking::ActionRequest r;
  r.action = Action::refuse;
  r.actor = "lan.nt";
  r.reason = "Thửa đất đang có tranh chấp";
  REQUIRE(desk.life.apply(id, r).has_value());
  const auto form = desk.load<tracking::RefusalForm>(
      [&](db::Transaction& tx) { return tracking::load_refusal(tx, id); });
  auto html = tracking::render_refusal(form);
  REQUIRE(html.has_value());
  CHECK(contains(*html, "Phiếu từ chối tiếp nhận giải quyết hồ sơ"));
  CHECK(contains(*html, "<li>Thửa đất đang có tranh chấp</li>"));
  CHECK(contains(*html, k_name));
  CHECK(contains(*html, "EB123456785VN"));
}

TEST_CASE("the apology gives the old and the new appointment dates") {
  Desk desk;
  const db::Id id = desk.add_dossier(at("2026-03-02 09:00"), "EB123456785VN");
  desk.act(id, Action::accept);
  tracking::ActionRequest r;
  r.action = Action::apologise;
  r.actor = "truong.phong";
  r.reason = "Chờ ý kiến của Sở Tài nguyên và Môi trường";
  r.new_date = common::parse_date("2026-03-12").value();
  desk.clock.set(at("2026-03-05 10:00"));
  REQUIRE(desk.life.apply(id, r).has_value());
  const auto form = desk.load<tracking::ApologyForm>(
      [&](db::Transaction& tx) { return tracking::load_apology(tx, id); });
  auto html = tracking::render_apology(form);
  REQUIRE(html.has_value());
  // Circular 03/2025's form 04: an apology that asks for more time.
  CHECK(contains(*html, "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết"));
  CHECK(
      contains(*html, "đề nghị gia hạn thời gian giải quyết hồ sơ đến <b class=\"new-due-date\">"));
  CHECK_FALSE(contains(*html, "Phiếu xin lỗi và hẹn lại ngày trả kết quả"));
  CHECK(
      contains(*html, "<div class=\"form-no\" title=\"Thông tư 03/2025/TT-VPCP\">Mẫu số 04</div>"));
  CHECK(contains(*html, "17 giờ 00 phút, ngày 09/03/2026"));
  CHECK(contains(*html, "<b class=\"new-due-date\">17 giờ 00 phút, ngày 12/03/2026</b>"));
  CHECK(contains(*html, "Chờ ý kiến của Sở Tài nguyên và Môi trường"));
  CHECK(contains(*html, "Đà Nẵng, ngày 05 tháng 03 năm 2026"));
}

TEST_CASE("the stop notice (form 05) names the dossier, the day it stopped and why, escaped") {
  Desk desk;
  const db::Id id = desk.add_dossier(at("2026-03-02 09:00"), "EB123456785VN");
  desk.act(id, Action::accept);
  // Nothing to print before the dossier is stopped.
  auto none = desk.store->read<tracking::StopNotice>(
      [&](db::Transaction& tx) { return tracking::load_stop_notice(tx, id); });
  REQUIRE_FALSE(none.has_value());
  CHECK(none.error().code == common::ErrorCode::invalid_argument);

  desk.clock.set(at("2026-03-04 14:00"));
  tracking::ActionRequest r;
  r.action = Action::stop;
  r.actor = "truong.phong";
  r.reason = "Công dân đề nghị dừng <b>giải quyết</b> & rút hồ sơ";
  REQUIRE(desk.life.apply(id, r).has_value());
  const auto form = desk.load<tracking::StopNotice>(
      [&](db::Transaction& tx) { return tracking::load_stop_notice(tx, id); });
  auto html = tracking::render_stop_notice(form);
  REQUIRE(html.has_value());
  CHECK(contains(*html, "Thông báo dừng giải quyết hồ sơ"));
  CHECK(contains(*html, ">Mẫu số 05</div>"));
  CHECK(contains(*html, "000.00.05.H12-260302-0001"));
  CHECK(contains(*html, "kể từ ngày 04/03/2026"));
  CHECK(contains(*html, "Công dân đề nghị dừng &lt;b&gt;giải quyết&lt;/b&gt; &amp; rút hồ sơ"));
  CHECK_FALSE(contains(*html, "<b>giải quyết</b>"));
  CHECK(contains(*html, k_name));
  CHECK(contains(*html, "Đà Nẵng, ngày 04 tháng 03 năm 2026"));

  const auto listed = desk.load<tracking::AvailableForms>(
      [&](db::Transaction& tx) { return tracking::available_forms(tx, id); });
  CHECK(listed.forms == std::vector<tracking::FormKind>{tracking::FormKind::receipt,
                                                        tracking::FormKind::stop,
                                                        tracking::FormKind::control});
  CHECK(tracking::parse_form_kind("stop") == tracking::FormKind::stop);

  // A withdrawal is the citizen's request to stop too (Decree 118/2025 Article 21), reason or not.
  const db::Id withdrawn = desk.add_dossier(at("2026-03-02 09:30"), "EB000000015VN");
  desk.act(withdrawn, Action::accept);
  desk.act(withdrawn, Action::withdraw);
  const auto notice = desk.load<tracking::StopNotice>(
      [&](db::Transaction& tx) { return tracking::load_stop_notice(tx, withdrawn); });
  CHECK(notice.reason == "Theo đề nghị dừng giải quyết, rút hồ sơ của Ông/Bà");
  CHECK(tracking::render_stop_notice(notice).has_value());
}

TEST_CASE("forms issued before 15 September 2025 reprint in Circular 01/2018's set") {
  // Circular 03/2025/TT-VPCP applies from 15 September 2025 (docs/domain.md §0).
  CHECK(tracking::form_set_at(at("2025-09-14 23:59")) == tracking::FormSet::tt01_2018);
  CHECK(tracking::form_set_at(at("2025-09-15 00:00")) == tracking::FormSet::tt03_2025);

  Desk desk;
  desk.clock.set(at("2025-08-26 08:00"));
  const db::Id id = desk.add_dossier(at("2025-08-25 09:00"), "EB123456785VN");
  desk.act(id, Action::accept);
  tracking::ActionRequest r;
  r.action = Action::apologise;
  r.actor = "truong.phong";
  r.reason = "Chờ ý kiến";
  r.new_date = common::parse_date("2025-09-19").value();
  auto apologised = desk.life.apply(id, r);
  INFO((apologised ? std::string() : apologised.error().message));
  REQUIRE(apologised.has_value());
  desk.clock.set(at("2026-03-02 08:00"));  // reprinted today

  const auto apology = desk.load<tracking::ApologyForm>(
      [&](db::Transaction& tx) { return tracking::load_apology(tx, id); });
  auto html = tracking::render_apology(apology);
  REQUIRE(html.has_value());
  CHECK(contains(*html, "<h1>Phiếu xin lỗi và hẹn lại ngày trả kết quả</h1>"));
  CHECK(contains(*html, "title=\"Thông tư 01/2018/TT-VPCP\">Mẫu số 04</div>"));
  // The control sheet was form 05 then, the register form 06.
  const auto sheet = desk.load<tracking::ControlSheet>(
      [&](db::Transaction& tx) { return tracking::load_control_sheet(tx, id); });
  auto control = tracking::render_control_sheet(sheet);
  REQUIRE(control.has_value());
  CHECK(contains(*control, ">Mẫu số 05</div>"));
  const auto reg = desk.load<tracking::YearRegister>(
      [&](db::Transaction& tx) { return tracking::load_register(tx, 2024, desk.clock.now()); });
  auto old_register = tracking::render_register(reg);
  REQUIRE(old_register.has_value());
  CHECK(contains(*old_register, ">Mẫu số 06</div>"));
}

TEST_CASE("the control sheet lists every step with its actor and marks a late result") {
  Desk desk;
  const db::Id id = desk.add_dossier(at("2026-03-02 09:00"), "EB123456785VN");
  desk.act(id, Action::accept, "an.nv");
  desk.clock.set(at("2026-03-03 08:30"));
  desk.act(id, Action::start_processing, "binh.tt");
  desk.clock.set(at("2026-03-10 09:00"));  // due Monday 9 March 17:00
  desk.act(id, Action::mark_processed, "binh.tt");
  const auto sheet = desk.load<tracking::ControlSheet>(
      [&](db::Transaction& tx) { return tracking::load_control_sheet(tx, id); });
  REQUIRE(sheet.steps.size() == 4);
  CHECK(sheet.steps[0].action == "received_by_post");
  CHECK(sheet.steps[1].actor.name == "an.nv");
  CHECK(sheet.steps[2].timeliness == tracking::Timeliness::early);
  CHECK(sheet.steps[3].timeliness == tracking::Timeliness::late);

  auto html = tracking::render_control_sheet(sheet);
  REQUIRE(html.has_value());
  CHECK(contains(*html, "Phiếu kiểm soát quá trình giải quyết hồ sơ"));
  CHECK(contains(*html, ">Mẫu số 06</div>"));
  CHECK(count_of(*html, "<tr class=\"step ") == 4);
  CHECK(contains(*html, "Có kết quả giải quyết hồ sơ"));
  CHECK(contains(*html, "<td class=\"late\">Quá hạn</td>"));
  CHECK(contains(*html, "<td class=\"timeliness\">Trước hạn</td>"));
  CHECK(contains(*html, "09:00 10/03/2026"));
  CHECK(contains(*html, "binh.tt"));
}

TEST_CASE("the yearly register has one row per dossier filed in that year") {
  Desk desk;
  Applicant last_year;
  last_year.name = "Trần Văn Cũ";
  desk.add_dossier(at("2025-12-31 16:00"), "EB000000015VN", last_year);
  Applicant early;
  early.name = "Lê Thị Đầu Năm";
  desk.add_dossier(at("2026-01-02 08:00"), "EB000000029VN", early);
  const db::Id accepted = desk.add_dossier(at("2026-03-02 09:00"), "EB000000032VN");
  desk.act(accepted, Action::accept);

  const auto reg = desk.load<tracking::YearRegister>(
      [&](db::Transaction& tx) { return tracking::load_register(tx, 2026, desk.clock.now()); });
  auto html = tracking::render_register(reg);
  REQUIRE(html.has_value());
  CHECK(contains(*html, "@page { size: A4 landscape"));
  CHECK(contains(*html, "Sổ theo dõi hồ sơ"));
  CHECK(contains(*html, ">Mẫu số 07</div>"));
  CHECK(count_of(*html, "<tr><td>") == 2);
  CHECK(contains(*html, "Lê Thị Đầu Năm"));
  CHECK(contains(*html, k_name));
  CHECK(contains(*html, "000.00.05.H12-260302-0001"));
  CHECK_FALSE(contains(*html, "Trần Văn Cũ"));

  const auto previous = desk.load<tracking::YearRegister>(
      [&](db::Transaction& tx) { return tracking::load_register(tx, 2025, desk.clock.now()); });
  REQUIRE(previous.rows.size() == 1);
  CHECK(previous.rows[0].dossier.applicant.full_name == "Trần Văn Cũ");
}

TEST_CASE("every document that applies to a dossier is written to its folder and no other") {
  Desk desk;
  const db::Id apologised = desk.add_dossier(at("2026-03-02 09:00"), "EB123456785VN");
  desk.act(apologised, Action::accept);
  tracking::ActionRequest r;
  r.action = Action::apologise;
  r.actor = "truong.phong";
  r.reason = "Chờ ý kiến";
  r.new_date = common::parse_date("2026-03-12").value();
  REQUIRE(desk.life.apply(apologised, r).has_value());
  const db::Id dispatched = desk.add_dossier(at("2026-03-02 09:30"), "EB000000015VN");
  desk.dispatch(dispatched, "EL491610889VN");

  auto names = [&](db::Id id) {
    const auto folder = desk.dir / ("documents-" + std::to_string(id));
    auto written = tracking::write_dossier_documents(*desk.store, id, folder);
    REQUIRE(written.has_value());
    std::vector<std::string> out;
    for (const auto& path : *written) {
      CHECK(std::filesystem::exists(path));
      out.push_back(path.filename().string());
    }
    return out;
  };
  const db::Id stopped = desk.add_dossier(at("2026-03-02 10:00"), "EB000000029VN");
  desk.act(stopped, Action::accept);
  tracking::ActionRequest stop;
  stop.action = Action::stop;
  stop.actor = "truong.phong";
  stop.reason = "Công dân đề nghị dừng giải quyết";
  REQUIRE(desk.life.apply(stopped, stop).has_value());
  CHECK(names(apologised) ==
        std::vector<std::string>{"form-01.html", "form-04.html", "form-06.html"});
  CHECK(names(dispatched) ==
        std::vector<std::string>{"form-01.html", "form-06.html", "label.html"});
  CHECK(names(stopped) == std::vector<std::string>{"form-01.html", "form-05.html", "form-06.html"});
  const std::string label = test_support::read_file(
      desk.dir / ("documents-" + std::to_string(dispatched)) / "label.html");
  CHECK(contains(label, "EL491610889VN"));
}

TEST_CASE("regression: printed documents are the desk's alone whatever the umask") {
  Desk desk;
  const db::Id id = desk.add_dossier(at("2026-03-02 09:00"), "EB123456785VN");
  desk.act(id, Action::accept);
  const mode_t before = ::umask(022);
  const auto folder = desk.dir / "documents" / "000.00.05.H12-260302-0001";
  auto written = tracking::write_dossier_documents(*desk.store, id, folder);
  ::umask(before);
  REQUIRE(written.has_value());
  REQUIRE_FALSE(written->empty());
  auto mode_of = [](const std::filesystem::path& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 ? fmt::format("{:04o}", st.st_mode & 07777)
                                          : std::string("missing");
  };
  CHECK(mode_of(desk.dir / "documents") == "0700");
  CHECK(mode_of(folder) == "0700");
  for (const auto& path : *written) {
    INFO(path.string());
    CHECK(mode_of(path) == "0600");  // the receipt names the applicant
  }
}

namespace {

std::vector<std::string> names_of(const std::vector<tracking::FormKind>& kinds) {
  std::vector<std::string> out;
  for (const tracking::FormKind kind : kinds) {
    out.emplace_back(tracking::form_kind_name(kind));
  }
  return out;
}

// What the dossier page found before available_forms: every form rendered to see which succeed,
// and the return label loaded.
tracking::AvailableForms rendered_forms(Desk& desk, db::Id id) {
  return desk.load<tracking::AvailableForms>(
      [&](db::Transaction& tx) -> Result<tracking::AvailableForms> {
        tracking::AvailableForms out;
        for (const auto kind : {tracking::FormKind::receipt, tracking::FormKind::supplement,
                                tracking::FormKind::refusal, tracking::FormKind::apology,
                                tracking::FormKind::control}) {
          if (tracking::render_form(tx, id, kind)) out.forms.push_back(kind);
        }
        out.return_label = tracking::load_return_label(tx, id).has_value();
        return out;
      });
}

tracking::AvailableForms listed_forms(Desk& desk, db::Id id) {
  return desk.load<tracking::AvailableForms>(
      [&](db::Transaction& tx) { return tracking::available_forms(tx, id); });
}

void request_supplement(Desk& desk, db::Id id, const std::string& reason) {
  tracking::ActionRequest r;
  r.action = Action::request_supplement;
  r.actor = "lan.nt";
  r.missing = "Bản sao Giấy chứng nhận; Tờ khai";
  r.reason = reason;
  REQUIRE(desk.life.apply(id, r).has_value());
}

void refuse(Desk& desk, db::Id id, const std::string& reason) {
  tracking::ActionRequest r;
  r.action = Action::refuse;
  r.actor = "lan.nt";
  r.reason = reason;
  REQUIRE(desk.life.apply(id, r).has_value());
}

void apologise(Desk& desk, db::Id id, const std::string& reason) {
  tracking::ActionRequest r;
  r.action = Action::apologise;
  r.actor = "truong.phong";
  r.reason = reason;
  r.new_date = common::parse_date("2026-03-12").value();
  REQUIRE(desk.life.apply(id, r).has_value());
}

}  // namespace

TEST_CASE("available_forms lists the forms that render, without rendering them, in every state") {
  Desk desk;
  const db::Id received = desk.add_dossier(at("2026-03-02 09:00"), "EB123456785VN");
  const db::Id accepted = desk.add_dossier(at("2026-03-02 09:05"), "EB000000015VN");
  desk.act(accepted, Action::accept);
  const db::Id supplement = desk.add_dossier(at("2026-03-02 09:10"), "EB000000029VN");
  request_supplement(desk, supplement, "Thiếu giấy tờ");
  const db::Id refused = desk.add_dossier(at("2026-03-02 09:15"), "EB000000032VN");
  refuse(desk, refused, "Không thuộc thẩm quyền");
  const db::Id reappointed = desk.add_dossier(at("2026-03-02 09:20"), "EB000000046VN");
  desk.act(reappointed, Action::accept);
  apologise(desk, reappointed, "Chờ ý kiến");
  const db::Id dispatched = desk.add_dossier(at("2026-03-02 09:25"), "EB000000050VN");
  desk.dispatch(dispatched, "EL491610889VN");

  using Names = std::vector<std::string>;
  const struct {
    const char* state;
    db::Id id;
    Names forms;
    bool label;
  } cases[] = {
      {"received", received, {"control"}, false},
      {"accepted", accepted, {"receipt", "control"}, false},
      {"supplement requested", supplement, {"supplement", "control"}, false},
      {"refused", refused, {"refusal", "control"}, false},
      {"reappointed", reappointed, {"receipt", "apology", "control"}, false},
      {"result dispatched", dispatched, {"receipt", "control"}, true},
  };
  for (const auto& c : cases) {
    CAPTURE(c.state);
    const tracking::AvailableForms listed = listed_forms(desk, c.id);
    const tracking::AvailableForms rendered = rendered_forms(desk, c.id);
    CHECK(names_of(listed.forms) == names_of(rendered.forms));
    CHECK(listed.return_label == rendered.return_label);
    CHECK(names_of(listed.forms) == c.forms);
    CHECK(listed.return_label == c.label);
  }

  const common::Error missing = desk.load_error([&](db::Transaction& tx) -> Result<void> {
    auto forms = tracking::available_forms(tx, 999);
    if (!forms) return forms.error();
    return {};
  });
  CHECK(missing.code == common::ErrorCode::not_found);
}

TEST_CASE("markup, ampersands and quotes in a name or a reason are printed as text on every form") {
  Desk desk;
  Applicant hostile;
  hostile.name = "<script>alert(\"x\")</script> & 'Nhung'";
  const std::string name_html =
      "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;Nhung&#39;";
  const std::string reason = "Thiếu <b>giấy</b> & \"chữ ký\" 'gốc'";
  const std::string reason_html =
      "Thiếu &lt;b&gt;giấy&lt;/b&gt; &amp; &quot;chữ ký&quot; &#39;gốc&#39;";

  const db::Id supplement = desk.add_dossier(at("2026-03-02 09:00"), "EB123456785VN", hostile);
  request_supplement(desk, supplement, reason);
  const db::Id refused = desk.add_dossier(at("2026-03-02 09:05"), "EB000000015VN", hostile);
  refuse(desk, refused, reason);
  const db::Id reappointed = desk.add_dossier(at("2026-03-02 09:10"), "EB000000029VN", hostile);
  desk.act(reappointed, Action::accept);
  apologise(desk, reappointed, reason);
  const db::Id dispatched = desk.add_dossier(at("2026-03-02 09:15"), "EB000000032VN", hostile);
  desk.dispatch(dispatched, "EL491610889VN");

  struct Page {
    std::string what;
    std::string html;
    bool shows_reason;
  };
  std::vector<Page> pages;
  for (const db::Id id : {supplement, refused, reappointed, dispatched}) {
    const auto listed = listed_forms(desk, id);
    for (const tracking::FormKind kind : listed.forms) {
      auto html = desk.load<std::string>(
          [&](db::Transaction& tx) { return tracking::render_form(tx, id, kind); });
      // The receipt shows no reason; the control sheet shows each step's reason.
      const bool shows_reason = kind != tracking::FormKind::receipt && id != dispatched;
      pages.push_back({fmt::format("#{} {}", id, tracking::form_kind_name(kind)), std::move(html),
                       shows_reason});
    }
  }
  const auto label = desk.load<tracking::ReturnLabel>(
      [&](db::Transaction& tx) { return tracking::load_return_label(tx, dispatched); });
  pages.push_back({"label",
                   tracking::render_labels(std::span(&label, 1), tracking::LabelSize::a6,
                                           tracking::LabelLayout::one_per_page)
                       .value(),
                   false});
  const auto reg = desk.load<tracking::YearRegister>(
      [&](db::Transaction& tx) { return tracking::load_register(tx, 2026, desk.clock.now()); });
  pages.push_back({"register", tracking::render_register(reg).value(), true});
  // 02, 05; 03, 05; 01, 04, 05; 01, 05; the label; the register.
  REQUIRE(pages.size() == 11);

  for (const Page& page : pages) {
    CAPTURE(page.what);
    CHECK_FALSE(contains(page.html, "<script"));
    CHECK_FALSE(contains(page.html, "<b>giấy"));
    CHECK(contains(page.html, name_html));
    if (page.shows_reason) CHECK(contains(page.html, reason_html));
  }
  // Our own barcodes are the only markup that is not escaped.
  for (const Page& page : pages) {
    CAPTURE(page.what);
    const bool has_barcodes = contains(page.what, "receipt") || page.what == "label";
    CHECK(svgs_of(page.html).size() == (has_barcodes ? 2u : 0u));
    CHECK_FALSE(contains(page.html, "&lt;svg"));
    CHECK_FALSE(contains(page.html, "&lt;path"));
  }
}

// A staff user with a full name and perhaps a title, as staff::Accounts stores one.
void add_staff_user(Desk& desk, const std::string& login, const std::string& name,
                    const std::string& title = "") {
  desk.write([&](db::Transaction& tx) -> Result<void> {
    db::User user;
    user.login = login;
    user.name = name;
    user.title = title;
    user.role = "officer";
    user.password_hash = "$argon2id$v=19$m=65536,t=2,p=1$x$y";
    user.created_at = desk.clock.now();
    user.password_changed_at = desk.clock.now();
    auto id = tx.insert_user(user);
    if (!id) return id.error();
    return {};
  });
}

TEST_CASE("regression: forms are signed with the staff user's full name, not the login") {
  Desk desk;
  add_staff_user(desk, "an.nv", "Nguyễn Văn An");
  add_staff_user(desk, "lan.nt", "Ngô Thị Lan");
  const db::Id accepted = desk.add_dossier(at("2026-03-02 09:00"), "EB123456785VN");
  desk.act(accepted, Action::accept, "an.nv");
  const db::Id incomplete = desk.add_dossier(at("2026-03-02 09:02"), "EB000000032VN");
  desk.act(incomplete, Action::request_supplement, "lan.nt", "Tờ khai đăng ký biến động");
  const db::Id refused = desk.add_dossier(at("2026-03-02 09:05"), "EB000000015VN");
  desk.act(refused, Action::refuse, "lan.nt", "Thửa đất đang có tranh chấp");
  // A CLI user without an account keeps the name it acted under.
  const db::Id by_cli = desk.add_dossier(at("2026-03-02 09:10"), "EB000000029VN");
  desk.act(by_cli, Action::accept, "root");

  const auto receipt = desk.load<tracking::ReceiptForm>(
      [&](db::Transaction& tx) { return tracking::load_receipt(tx, accepted); });
  const std::string receipt_html = tracking::render_receipt(receipt).value();
  CHECK(contains(receipt_html, "<div class=\"name\">Nguyễn Văn An</div>"));
  CHECK_FALSE(contains(receipt_html, "an.nv"));

  const auto supplement = desk.load<tracking::SupplementForm>(
      [&](db::Transaction& tx) { return tracking::load_supplement_request(tx, incomplete); });
  CHECK(supplement.officer.name == "Ngô Thị Lan");
  const auto refusal = desk.load<tracking::RefusalForm>(
      [&](db::Transaction& tx) { return tracking::load_refusal(tx, refused); });
  CHECK(refusal.officer.name == "Ngô Thị Lan");
  CHECK_FALSE(contains(tracking::render_refusal(refusal).value(), "lan.nt"));
  const auto sheet = desk.load<tracking::ControlSheet>(
      [&](db::Transaction& tx) { return tracking::load_control_sheet(tx, accepted); });
  for (const auto& step : sheet.steps) {
    CHECK(step.actor.name != "an.nv");
    CHECK(step.actor.name != "lan.nt");
  }
  const auto cli = desk.load<tracking::ReceiptForm>(
      [&](db::Transaction& tx) { return tracking::load_receipt(tx, by_cli); });
  CHECK(cli.received_by == tracking::Signer{"root", ""});
}

TEST_CASE(
    "each form names its officer with the title on its own line, and no title line when none") {
  Desk desk;
  add_staff_user(desk, "an.nv", "Nguyễn Văn An", "Chuyên viên");
  add_staff_user(desk, "lan.nt", "Ngô Thị Lan", "Phó Giám đốc Trung tâm");
  add_staff_user(desk, "binh.tt", "Trần Thị Bình");  // no title
  const std::string an_signs =
      "<div class=\"name\">Nguyễn Văn An</div><div class=\"signer-title\">Chuyên viên</div>";
  const std::string lan_signs =
      "<div class=\"name\">Ngô Thị Lan</div><div class=\"signer-title\">Phó Giám đốc Trung "
      "tâm</div>";

  const db::Id accepted = desk.add_dossier(at("2026-03-02 09:00"), "EB123456785VN");
  desk.act(accepted, Action::accept, "an.nv");
  for (const auto paper : {tracking::PaperSize::a5, tracking::PaperSize::a4}) {
    auto receipt = desk.load<tracking::ReceiptForm>(
        [&](db::Transaction& tx) { return tracking::load_receipt(tx, accepted); });
    CHECK(receipt.received_by == tracking::Signer{"Nguyễn Văn An", "Chuyên viên"});
    receipt.paper = paper;
    const std::string html = tracking::render_receipt(receipt).value();
    CHECK(contains(html, an_signs));
    CHECK(count_of(html, "signer-title") == 1);
  }
  desk.clock.set(at("2026-03-03 08:30"));
  desk.act(accepted, Action::start_processing, "binh.tt");
  const auto sheet = desk.load<tracking::ControlSheet>(
      [&](db::Transaction& tx) { return tracking::load_control_sheet(tx, accepted); });
  const std::string sheet_html = tracking::render_control_sheet(sheet).value();
  CHECK(
      contains(sheet_html, "<td>Nguyễn Văn An<div class=\"signer-title\">Chuyên viên</div></td>"));
  CHECK(contains(sheet_html, "<td>Trần Thị Bình</td>"));

  desk.clock.set(at("2026-03-05 10:00"));
  desk.act(accepted, Action::apologise, "lan.nt", "Chờ ý kiến của Sở Tài nguyên và Môi trường");
  const auto apology_form = desk.load<tracking::ApologyForm>(
      [&](db::Transaction& tx) { return tracking::load_apology(tx, accepted); });
  CHECK(contains(tracking::render_apology(apology_form).value(), lan_signs));

  const db::Id incomplete = desk.add_dossier(at("2026-03-02 09:02"), "EB000000032VN");
  desk.act(incomplete, Action::request_supplement, "lan.nt", "Tờ khai đăng ký biến động");
  const auto supplement = desk.load<tracking::SupplementForm>(
      [&](db::Transaction& tx) { return tracking::load_supplement_request(tx, incomplete); });
  CHECK(contains(tracking::render_supplement_request(supplement).value(), lan_signs));

  // Refused by an officer without a title: the name, and nothing under it.
  const db::Id refused = desk.add_dossier(at("2026-03-02 09:05"), "EB000000015VN");
  desk.act(refused, Action::refuse, "binh.tt", "Thửa đất đang có tranh chấp");
  const auto refusal = desk.load<tracking::RefusalForm>(
      [&](db::Transaction& tx) { return tracking::load_refusal(tx, refused); });
  const std::string refusal_html = tracking::render_refusal(refusal).value();
  CHECK(contains(refusal_html, "<div class=\"name\">Trần Thị Bình</div></div>"));
  CHECK_FALSE(contains(refusal_html, "signer-title"));
  CHECK_FALSE(contains(refusal_html, "Chức vụ"));
}

namespace {

// A dossier accepted under procedure 1.013980, whose name is made `length` bytes long (real
// names reach 1,100 characters). Returns the dossier and the whole name.
std::pair<db::Id, std::string> accepted_under_long_name(Desk& desk, std::size_t length) {
  std::string long_name =
      "Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất";
  while (long_name.size() < length)
    long_name += "; chuyển nhượng, thừa kế, tặng cho quyền sử dụng đất";
  desk.add_procedure("1.013980", 10, long_name);
  const db::Id id = desk.add_dossier(at("2026-03-02 09:00"), "EB123456785VN");
  tracking::ActionRequest accept;
  accept.action = Action::accept;
  accept.actor = "an.nv";
  accept.procedure_code = "1.013980";
  REQUIRE(desk.life.apply(id, accept).has_value());
  return {id, long_name};
}

}  // namespace

TEST_CASE("a receipt shortens a very long procedure name but keeps its code, on A5 and A4") {
  Desk desk;
  const auto accepted = accepted_under_long_name(desk, 2500);
  const db::Id id = accepted.first;
  const std::string& long_name = accepted.second;
  auto form = desk.load<tracking::ReceiptForm>(
      [&](db::Transaction& tx) { return tracking::load_receipt(tx, id); });
  for (const auto paper : {tracking::PaperSize::a5, tracking::PaperSize::a4}) {
    form.paper = paper;
    const std::string html = tracking::render_receipt(form).value();
    CHECK_FALSE(contains(html, long_name));
    CHECK(contains(html, "Đăng ký biến động quyền sử dụng đất"));
    CHECK(contains(html, "… (mã thủ tục 1.013980)"));
    // The date and both signatures stay together on the page.
    CHECK(contains(html, "<div class=\"sign-off\">"));
    CHECK(contains(html, ".sign-off { break-inside: avoid;"));
  }
}

TEST_CASE("a receipt without an applicant prints dotted lines to fill in by hand") {
  Desk desk;
  test_support::Received how;
  how.tracking_number = "EB123456785VN";
  how.filed = at("2026-03-02 09:00");
  how.lookup_code = "K7Q2M9XA";
  how.applicant = std::nullopt;
  const db::Id id = desk.receive(how);
  desk.act(id, Action::accept, "an.nv");
  const auto form = desk.load<tracking::ReceiptForm>(
      [&](db::Transaction& tx) { return tracking::load_receipt(tx, id); });
  const std::string html = tracking::render_receipt(form).value();
  CHECK(contains(html, "Ông/Bà:</span> <span class=\"blank\">………"));
  CHECK(contains(html, "Địa chỉ:</span> <span class=\"blank\">………"));
  CHECK(contains(html, "gửi đến <span class=\"blank\">………"));
  CHECK_FALSE(contains(html, "Ông/Bà:</span> </p>"));
}

TEST_CASE("the register is A4 landscape with fixed columns, no mid-word breaks, short names") {
  Desk desk;
  const std::string long_name = accepted_under_long_name(desk, 1200).second;
  const auto reg = desk.load<tracking::YearRegister>(
      [&](db::Transaction& tx) { return tracking::load_register(tx, 2026, desk.clock.now()); });
  const std::string html = tracking::render_register(reg).value();
  CHECK(contains(html, "@page { size: A4 landscape"));
  CHECK(contains(html, "table-layout: fixed"));
  CHECK(contains(html, "break-inside: avoid"));
  CHECK_FALSE(contains(html, "break-all"));
  CHECK_FALSE(contains(html, "word-break"));
  CHECK_FALSE(contains(html, "anywhere"));
  CHECK_FALSE(contains(html, long_name));
  CHECK(contains(html, "… (1.013980)"));
}

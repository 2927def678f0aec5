#include "app/print_commands.hpp"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <functional>
#include <optional>
#include <utility>

#include "app/desk.hpp"
#include "app/output.hpp"
#include "app/registry_commands.hpp"
#include "intake/mailroom.hpp"
#include "tracking/documents.hpp"
#include "tracking/dossier_key.hpp"

namespace app {
namespace {

namespace fs = std::filesystem;
using common::ErrorCode;
using common::make_error;
using common::Result;

struct Rendered {
  fs::path path;
  std::string html;
};

// The dossier `key` names and its own folder under documents/.
struct Named {
  db::Id id = 0;
  fs::path folder;
};
Result<Named> resolve(db::Transaction& tx, const fs::path& root, const std::string& key) {
  TRY_ASSIGN(const db::Dossier dossier, tracking::find_dossier(tx, key));
  return Named{dossier.id, root / tracking::document_folder_name(dossier)};
}

// One form of one dossier: load, render, and name the file.
using FormRenderer = std::function<Result<std::string>(db::Transaction&, db::Id)>;

Result<FormRenderer> form_renderer(const PrintArgs& args, std::string& file_name) {
  const auto kind = tracking::parse_form_kind(args.document);
  if (!kind) {
    return make_error(ErrorCode::invalid_argument,
                      fmt::format("unknown document '{}'", shorten(args.document, 20)));
  }
  auto paper = tracking::parse_paper_size(args.paper);
  if (*kind == tracking::FormKind::receipt && !paper) {
    return make_error(ErrorCode::invalid_argument,
                      fmt::format("--paper {}: give a5 or a4", shorten(args.paper, 20)));
  }
  // Circular 03/2025's numbers (tracking::write_dossier_documents names them alike).
  static constexpr const char* k_files[] = {"form-01.html",   "form-02.html", "form-03.html",
                                            "form-04.html",   "form-05.html", "form-06.html",
                                            "collection.html"};
  file_name = k_files[static_cast<int>(*kind)];
  if (*kind == tracking::FormKind::supplement && args.number > 0) {
    file_name = fmt::format("form-02-{}.html", args.number);
  }
  const auto receipt_paper = paper.value_or(tracking::PaperSize::a5);
  const int number = args.number;
  return FormRenderer([kind = *kind, receipt_paper, number](db::Transaction& tx, db::Id id) {
    return tracking::render_form(tx, id, kind, receipt_paper, number);
  });
}

int print_paths(const std::vector<fs::path>& paths) {
  for (const fs::path& path : paths) std::printf("%s\n", path.string().c_str());
  return 0;
}

int write_all(const std::vector<Rendered>& pages) {
  std::vector<fs::path> written;
  for (const Rendered& page : pages) {
    if (auto ok = tracking::write_document(page.path, page.html); !ok) {
      return report_error(ok.error());
    }
    written.push_back(page.path);
  }
  return print_paths(written);
}

// A batch's name as a file name: letters, digits, '.', '-' and '_' kept, the rest '_'.
std::string file_name_of(const std::string& name) {
  std::string out;
  for (const char c : name) {
    const bool kept = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '.' || c == '-' || c == '_';
    out += kept ? c : '_';
  }
  return out;
}

// `hoso print handover NAME`: the batch's handover record, as GET /api/batches/{id}/handover.
int print_handover_record(const PrintArgs& args) {
  auto desk = open_desk(args.db, intake::IntakeContext{"cli", actor_or_user("")});
  if (!desk) return report_error(desk.error());
  const std::string& name = args.keys.front();
  auto batch = intake::find_batch(*(*desk)->store, name);
  if (!batch) return report_error(batch.error());
  if (!*batch) {
    return report_error(
        make_error(ErrorCode::not_found, fmt::format("no handover batch '{}'", shorten(name, 80))),
        "hoso intake --batch NAME opens one");
  }
  auto record = (*desk)->registrar->handover_record((*batch)->id);
  if (!record) return report_error(record.error());
  auto html = tracking::render_handover(handover_form(*record));
  if (!html) return report_error(html.error());
  const fs::path root = documents_dir((*desk)->database);
  const fs::path path =
      args.out.empty() ? root / "handover" / (file_name_of(name) + ".html") : fs::path(args.out);
  return write_all({{path, std::move(*html)}});
}

}  // namespace

fs::path documents_dir(const fs::path& database) { return desk_folder(database) / "documents"; }

void define_print_command(CLI::App& command, PrintArgs& args, const std::string& db_help) {
  CLI::App* print = &command;
  print->require_subcommand(1);
  std::vector<CLI::App*> subs;
  auto add_form = [&](const char* name, const char* help) {
    auto* sub = print->add_subcommand(name, help);
    sub->add_option("key", args.keys, "#id, tracking number or dossier code")
        ->required()
        ->expected(1);
    sub->add_option("--out", args.out,
                    "The file to write (default documents/<dossier>/form-NN.html beside the "
                    "database)");
    subs.push_back(sub);
    return sub;
  };
  add_form("receipt", "Form 01: receipt and appointment slip, with the dossier code and lookup QR")
      ->add_option("--paper", args.paper, "a5 or a4")
      ->capture_default_str();
  add_form("supplement", "Form 02: supplement request listing the missing documents")
      ->add_option("--number", args.number, "Which request (1, 2...; default the latest)")
      ->check(CLI::Range(1, 1000));
  add_form("refusal", "Form 03: refusal with its reasons");
  add_form("apology", "Form 04: apology and request for more time, with the new date");
  add_form("stop", "Form 05: notice that processing of the dossier has stopped");
  add_form("control", "Form 06: process control sheet (every step, on time or late)");
  add_form(
      "collection",
      "Handover of the result at the desk (phiếu giao trả kết quả), for the recipient to sign");
  add_form("transfer-slip",
           "The transfer slip (phiếu chuyển xử lý) of a handover to another unit: the work, the "
           "unit's deadline, both signatures")
      ->add_option("--number", args.number,
                   "Which handover to another unit (1, 2...; default the latest)")
      ->check(CLI::Range(1, 1000));
  auto* all = print->add_subcommand(
      "all", "Every document that applies to a dossier, into its folder (or --out DIR)");
  all->add_option("key", args.keys, "#id, tracking number or dossier code")
      ->required()
      ->expected(1);
  all->add_option("--out", args.out, "The folder to write into");
  all->add_option("--paper", args.paper, "Form 01 on a5 or a4")->capture_default_str();
  all->add_option("--size", args.size, "Label size: a6 or 100x150")->capture_default_str();
  subs.push_back(all);

  auto* reg = print->add_subcommand("register", "Form 07: the year's register of dossiers");
  reg->add_option("--year", args.year, "YYYY")->required()->check(CLI::Range(1970, 9999));
  reg->add_option("--out", args.out, "The file to write (default documents/form-07-YYYY.html)");
  subs.push_back(reg);

  auto* label = print->add_subcommand(
      "label", "Return labels: tracking number as Code 128, lookup QR, sender and receiver");
  label->add_option("keys", args.keys, "#id, tracking number or dossier code of each dossier")
      ->required();
  label->add_option("--size", args.size, "a6 or 100x150")->capture_default_str();
  label->add_flag("--sheet", args.sheet, "Several labels per A4 sheet instead of one per page");
  label->add_option("--out", args.out,
                    "The file to write (default documents/<dossier>/label.html, or "
                    "documents/labels/ for several)");
  subs.push_back(label);

  auto* handover = print->add_subcommand(
      "handover",
      "The handover record of a batch (biên bản giao nhận hồ sơ) for the carrier's deliverer and "
      "the clerk to sign");
  handover->add_option("batch", args.keys, "The batch's name")->required()->expected(1);
  handover->add_option("--out", args.out,
                       "The file to write (default documents/handover/<batch>.html)");
  subs.push_back(handover);

  for (auto* sub : subs) {
    sub->add_option("--db", args.db, db_help);
    sub->callback([&args, sub] { args.document = sub->get_name(); });
  }
}

int run_print(const PrintArgs& args) {
  if (args.document == "handover") return print_handover_record(args);
  const fs::path database = database_path(args.db);
  auto store = open_store(database);
  if (!store) return report_error(store.error());
  const fs::path root = documents_dir(database);
  const std::optional<fs::path> out =
      args.out.empty() ? std::nullopt : std::optional<fs::path>(args.out);

  if (args.document == "all") {
    std::optional<db::Id> id;
    fs::path folder;
    auto read = (*store)->read([&](db::Transaction& tx) -> Result<void> {
      TRY_ASSIGN(const Named named, resolve(tx, root, args.keys.front()));
      id = named.id;
      folder = out.value_or(named.folder);
      return {};
    });
    if (!read) return report_error(read.error());
    tracking::DocumentOptions options;
    auto paper = tracking::parse_paper_size(args.paper);
    auto size = tracking::parse_label_size(args.size);
    if (!paper || !size) {
      return report_error(
          make_error(ErrorCode::invalid_argument,
                     fmt::format("--paper {} --size {}: give a5 or a4, and a6 or 100x150",
                                 shorten(args.paper, 20), shorten(args.size, 20))));
    }
    options.paper = *paper;
    options.label = *size;
    auto written = tracking::write_dossier_documents(**store, *id, folder, options);
    if (!written) return report_error(written.error());
    return print_paths(*written);
  }

  std::vector<Rendered> pages;
  if (args.document == "register") {
    auto read = (*store)->read([&](db::Transaction& tx) -> Result<void> {
      common::SystemClock clock;
      TRY_ASSIGN(auto reg, tracking::load_register(tx, args.year, clock.now()));
      TRY_ASSIGN(auto html, tracking::render_register(reg));
      pages.push_back(
          {out.value_or(root / fmt::format("form-07-{}.html", args.year)), std::move(html)});
      return {};
    });
    if (!read) return report_error(read.error());
    return write_all(pages);
  }

  if (args.document == "label") {
    auto size = tracking::parse_label_size(args.size);
    if (!size) {
      return report_error(
          make_error(ErrorCode::invalid_argument,
                     fmt::format("--size {}: give a6 or 100x150", shorten(args.size, 20))));
    }
    auto read = (*store)->read([&](db::Transaction& tx) -> Result<void> {
      std::vector<tracking::ReturnLabel> labels;
      fs::path default_path;
      for (const std::string& key : args.keys) {
        TRY_ASSIGN(const Named named, resolve(tx, root, key));
        TRY_ASSIGN(auto label, tracking::load_return_label(tx, named.id));
        labels.push_back(std::move(label));
        if (args.keys.size() == 1) default_path = named.folder / "label.html";
      }
      if (args.keys.size() > 1) {
        const std::string stamp = common::format_local(common::SystemClock().now());
        std::string compact;
        for (const char c : stamp) {
          if (c != '-' && c != ':') compact += c == ' ' ? '-' : c;
        }
        default_path = root / "labels" / fmt::format("labels-{}.html", compact);
      }
      TRY_ASSIGN(auto html,
                 tracking::render_labels(labels, *size,
                                         args.sheet ? tracking::LabelLayout::sheet
                                                    : tracking::LabelLayout::one_per_page));
      pages.push_back({out.value_or(default_path), std::move(html)});
      return {};
    });
    if (!read) return report_error(read.error());
    return write_all(pages);
  }

  // Decree 118/2025 Art. 20(2), docs/domain.md §1.4a: one slip per handover to another unit.
  if (args.document == "transfer-slip") {
    auto read = (*store)->read([&](db::Transaction& tx) -> Result<void> {
      TRY_ASSIGN(const Named named, resolve(tx, root, args.keys.front()));
      TRY_ASSIGN(const auto slip, tracking::load_transfer_slip(tx, named.id, args.number));
      TRY_ASSIGN(auto html, tracking::render_transfer_slip(slip));
      pages.push_back(
          {out.value_or(named.folder / fmt::format("transfer-slip-{}.html", slip.number)),
           std::move(html)});
      return {};
    });
    if (!read) return report_error(read.error());
    return write_all(pages);
  }

  std::string file_name;
  auto renderer = form_renderer(args, file_name);
  if (!renderer) return report_error(renderer.error());
  auto read = (*store)->read([&](db::Transaction& tx) -> Result<void> {
    TRY_ASSIGN(const Named named, resolve(tx, root, args.keys.front()));
    TRY_ASSIGN(auto html, (*renderer)(tx, named.id));
    pages.push_back({out.value_or(named.folder / file_name), std::move(html)});
    return {};
  });
  if (!read) return report_error(read.error());
  return write_all(pages);
}

}  // namespace app

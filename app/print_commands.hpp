// `hoso print receipt|supplement|refusal|apology|control|all KEY`, `hoso print register --year
// YYYY`, `hoso print label KEY...` and `hoso print handover BATCH`: the printable documents as HTML
// files, by default in documents/ beside the database (var/documents/<dossier code or
// #id>/form-01.html, var/documents/handover/<batch>.html). Wiring and printing only: the forms,
// labels and loaders live in tracking/documents, the handover record in intake/registrar.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace app {

struct PrintArgs {
  std::string db;
  std::string document;           // the subcommand: receipt, supplement, ..., register, label, all
  std::vector<std::string> keys;  // #id, tracking number or dossier code (label takes several);
                                  // handover: the batch's name
  std::string out;                // a file (a folder for `all`); default under documents/
  std::string paper = "a5";       // receipt: a5 or a4
  std::string size = "a6";        // label: a6 or 100x150
  bool sheet = false;             // label: several labels on A4 sheets instead of one per page
  int number = 0;                 // supplement: which request (1-based; 0 = the latest)
  int year = 0;                   // register
};

// Adds the options and subcommands of `print` to `command`.
void define_print_command(CLI::App& command, PrintArgs& args, const std::string& db_help);

// Writes the document(s) and prints each path written, one per line. Exit codes as elsewhere: 2 for
// a document that does not apply to the dossier (e.g. no receipt before acceptance), 4 for an
// unknown dossier or a label without a return shipment.
int run_print(const PrintArgs& args);

// Printed documents live beside the database: var/hoso.db -> var/documents/.
std::filesystem::path documents_dir(const std::filesystem::path& database);

}  // namespace app

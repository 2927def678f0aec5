// `hoso dossier fee KEY --amount N --payer NAME --receipt NO [--method desk|post|online]
// [--paid-at "YYYY-MM-DD HH:MM"]`: a fee receipt typed from the receipt (tracking/fees). Wiring
// and printing only.
#pragma once

#include <cstdint>
#include <string>

namespace CLI {
class App;
}

namespace app {

struct FeeArgs {
  std::string db;
  std::string key;
  std::int64_t amount_vnd = 0;
  std::string payer;
  std::string receipt_number;
  std::string method = "desk";
  std::string paid_at;  // "" : now
  std::string actor;
};
CLI::App* add_fee_command(CLI::App& dossier, FeeArgs& args, const std::string& db_help);
int run_fee(const FeeArgs& args);

}  // namespace app

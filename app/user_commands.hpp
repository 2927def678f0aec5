// `hoso user add|set|passwd|role|disable|enable|list` and `hoso token add|list|revoke`: staff
// accounts and scanning stations' API tokens. Wiring and printing only: staff/ holds the logic.
// Passwords are read from the terminal without echo (twice), or as the first line of stdin when it
// is not a terminal, never from the command line (it would land in shell history and `ps`).
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

#include "common/result.hpp"
#include "staff/accounts.hpp"

namespace CLI {
class App;
}

namespace app {

struct UserArgs {
  std::string db;
  std::string action;  // add, set, passwd, role, disable, enable, list
  std::string login;
  std::string name;
  std::string title;  // add: chức vụ, printed under the name on forms
  // set: what to change; unset ones stay ("" clears the title)
  std::optional<std::string> new_name;
  std::optional<std::string> new_title;
  std::string role = "officer";
  std::string actor;
  bool json = false;
};
// Adds the options (and subcommands) of `user` to `command`.
void define_user_command(CLI::App& command, UserArgs& args, const std::string& db_help);
int run_user(const UserArgs& args);

// A staff user as `hoso user list --json` and the server's admin API show it (no password hash).
nlohmann::json user_json(const db::User& user);

struct TokenArgs {
  std::string db;
  std::string action;  // add, list, revoke
  std::string name;    // add: the station's name; revoke: the token's name or #id
  std::string actor;
  bool json = false;
};
// Adds the options (and subcommands) of `token` to `command`.
void define_token_command(CLI::App& command, TokenArgs& args, const std::string& db_help);
int run_token(const TokenArgs& args);

// Reads a new password for `login`: from the terminal without echo, asked twice (fails with
// invalid_argument when the two differ), else the first line of stdin. Checked for strength.
common::Result<std::string> read_new_password(const std::string& login);

// Adds the first admin of a fresh desk (hoso init --admin): the password as read_new_password.
common::Result<db::User> add_first_admin(db::Store& store, const std::string& login,
                                         const std::string& name);

}  // namespace app

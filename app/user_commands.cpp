#include "app/user_commands.hpp"

#include <fmt/format.h>
#include <termios.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <nlohmann/json.hpp>

#include "app/desk.hpp"
#include "app/output.hpp"
#include "staff/password.hpp"

namespace app {
namespace {

using common::ErrorCode;
using common::Result;

std::string line_from_terminal(const std::string& prompt) {
  std::fprintf(stderr, "%s", prompt.c_str());
  std::fflush(stderr);
  termios old_mode{};
  const bool tty = tcgetattr(STDIN_FILENO, &old_mode) == 0;
  if (tty) {
    termios quiet = old_mode;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::string line;
  std::getline(std::cin, line);
  if (tty) {
    tcsetattr(STDIN_FILENO, TCSANOW, &old_mode);
    std::fprintf(stderr, "\n");
  }
  return line;
}

std::string timestamp_or_dash(const std::optional<common::Timestamp>& at) {
  return at ? common::format_local(*at) : std::string("-");
}

}  // namespace

nlohmann::json user_json(const db::User& u) {
  return {{"id", u.id},
          {"login", u.login},
          {"name", u.name},
          {"title", u.title},
          {"role", u.role},
          {"disabled", u.disabled},
          {"created_at", common::format_iso(u.created_at)}};
}

Result<std::string> read_new_password(const std::string& login) {
  std::string password;
  if (isatty(STDIN_FILENO)) {
    password = line_from_terminal(fmt::format("New password for {}: ", login));
    if (line_from_terminal("Again: ") != password) {
      return common::make_error(ErrorCode::invalid_argument,
                                "the two passwords differ; nothing was changed");
    }
  } else {
    std::getline(std::cin, password);
  }
  if (auto problem = staff::password_problem(password, login)) {
    return common::make_error(ErrorCode::invalid_argument,
                              fmt::format("{}; nothing was changed", say(*problem)));
  }
  return password;
}

Result<db::User> add_first_admin(db::Store& store, const std::string& login,
                                 const std::string& name) {
  common::SystemClock clock;
  staff::Accounts accounts(store, clock);
  TRY_ASSIGN(auto existing, accounts.users());
  for (const db::User& u : existing) {
    if (u.login == login) return u;  // rerunning init keeps the admin (and the password)
  }
  TRY_ASSIGN(auto password, read_new_password(login));
  return accounts.add_user({login, name.empty() ? login : name, staff::Role::admin, password},
                           actor_or_user(""));
}

void define_user_command(CLI::App& command, UserArgs& args, const std::string& db_help) {
  CLI::App* cmd = &command;
  cmd->require_subcommand(1);
  auto* add = cmd->add_subcommand("add", "Add a user (asks for the password)");
  add->add_option("login", args.login, "a-z, 0-9, '.', '_', '-' (e.g. lan.nguyen)")->required();
  add->add_option("--name", args.name, "Full name, as the pages show it")->required();
  add->add_option("--role", args.role, "mailroom, officer or admin")
      ->capture_default_str()
      ->check(CLI::IsMember({"mailroom", "officer", "admin"}));
  add->add_option("--title", args.title,
                  "Title printed under the name on forms (e.g. 'Chuyên viên')");
  auto* set = cmd->add_subcommand("set", "Change a user's full name or title");
  set->add_option("login", args.login, "The user")->required();
  set->add_option_function<std::string>(
      "--name", [&args](const std::string& name) { args.new_name = name; },
      "New full name, as the pages and forms show it");
  set->add_option_function<std::string>(
      "--title", [&args](const std::string& title) { args.new_title = title; },
      "New title printed under the name on forms ('' clears it)");
  auto* passwd = cmd->add_subcommand("passwd", "Set a new password (ends the user's sessions)");
  passwd->add_option("login", args.login, "The user")->required();
  auto* role = cmd->add_subcommand("role", "Change a user's role");
  role->add_option("login", args.login, "The user")->required();
  role->add_option("role", args.role, "mailroom, officer or admin")
      ->required()
      ->check(CLI::IsMember({"mailroom", "officer", "admin"}));
  auto* disable = cmd->add_subcommand("disable", "Stop a user logging in (ends their sessions)");
  disable->add_option("login", args.login, "The user")->required();
  auto* enable = cmd->add_subcommand("enable", "Let a disabled user log in again");
  enable->add_option("login", args.login, "The user")->required();
  auto* list = cmd->add_subcommand("list", "Every user with role and state");
  list->add_flag("--json", args.json, "One JSON object per user");
  for (auto* sub : {add, set, passwd, role, disable, enable, list}) {
    sub->add_option("--db", args.db, db_help);
    if (sub != list) sub->add_option("--actor", args.actor, "Who is recorded as doing it ($USER)");
    sub->callback([&args, sub] { args.action = sub->get_name(); });
  }
}

int run_user(const UserArgs& args) {
  auto store = open_store(database_path(args.db));
  if (!store) return report_error(store.error());
  common::SystemClock clock;
  staff::Accounts accounts(**store, clock);
  const std::string actor = actor_or_user(args.actor);

  if (args.action == "list") {
    auto users = accounts.users();
    if (!users) return report_error(users.error());
    if (users->empty() && !args.json) {
      std::printf(
          "no users yet: add the first admin with `hoso user add LOGIN --name NAME "
          "--role admin`\n");
    }
    for (const db::User& u : *users) {
      if (args.json) {
        std::cout << user_json(u).dump() << '\n';
      } else {
        std::printf("%-20s %-9s %s%s%s%s\n", u.login.c_str(), u.role.c_str(), u.name.c_str(),
                    u.title.empty() ? "" : ", ", u.title.c_str(), u.disabled ? "  (disabled)" : "");
      }
    }
    return 0;
  }
  if (args.action == "add") {
    auto login = staff::normalise_login(args.login);
    if (!login) return report_error(login.error());
    auto password = read_new_password(*login);
    if (!password) return report_error(password.error());
    auto added = accounts.add_user(
        {*login, args.name, staff::parse_role(args.role).value_or(staff::Role::officer), *password,
         args.title},
        actor);
    if (!added) return report_error(added.error());
    std::printf("user %s added (%s)\n", added->login.c_str(), added->role.c_str());
    return 0;
  }
  staff::UserChange change;
  if (args.action == "passwd") {
    auto login = staff::normalise_login(args.login);
    if (!login) return report_error(login.error());
    auto current = accounts.user(*login);  // fail before asking for a password
    if (!current) return report_error(current.error());
    auto password = read_new_password(*login);
    if (!password) return report_error(password.error());
    change.password = *password;
  } else if (args.action == "role") {
    change.role = staff::parse_role(args.role);
  } else if (args.action == "set") {
    if (!args.new_name && !args.new_title) {
      return report_error({ErrorCode::invalid_argument,
                           "nothing to change: give --name NAME, --title TITLE or both"});
    }
    change.name = args.new_name;
    change.title = args.new_title;
  } else if (args.action == "disable" || args.action == "enable") {
    change.disabled = args.action == "disable";
  }
  auto changed = accounts.change_user(args.login, change, actor);
  if (!changed) return report_error(changed.error());
  if (args.action == "passwd") {
    std::printf("password of %s changed; their sessions are ended\n", changed->login.c_str());
  } else if (args.action == "role") {
    std::printf("%s is now %s\n", changed->login.c_str(), changed->role.c_str());
  } else if (args.action == "set") {
    std::printf("%s is %s%s%s\n", changed->login.c_str(), changed->name.c_str(),
                changed->title.empty() ? "" : ", ", changed->title.c_str());
  } else {
    std::printf("%s is %s\n", changed->login.c_str(),
                changed->disabled ? "disabled; their sessions are ended" : "enabled");
  }
  return 0;
}

void define_token_command(CLI::App& command, TokenArgs& args, const std::string& db_help) {
  CLI::App* cmd = &command;
  cmd->require_subcommand(1);
  auto* add = cmd->add_subcommand("add", "Make a token; it is printed once");
  add->add_option("name", args.name, "The station (e.g. mailroom-1)")->required();
  auto* list = cmd->add_subcommand("list", "Every token (never the secret)");
  list->add_flag("--json", args.json, "One JSON object per token");
  auto* revoke = cmd->add_subcommand("revoke", "Stop a token working, at once");
  revoke->add_option("name", args.name, "The token's name or #id")->required();
  for (auto* sub : {add, list, revoke}) {
    sub->add_option("--db", args.db, db_help);
    if (sub != list) sub->add_option("--actor", args.actor, "Who is recorded as doing it ($USER)");
    sub->callback([&args, sub] { args.action = sub->get_name(); });
  }
}

int run_token(const TokenArgs& args) {
  auto store = open_store(database_path(args.db));
  if (!store) return report_error(store.error());
  common::SystemClock clock;
  staff::Accounts accounts(**store, clock);
  const std::string actor = actor_or_user(args.actor);
  if (args.action == "add") {
    auto made = accounts.create_token(args.name, actor);
    if (!made) return report_error(made.error());
    std::printf("token %s (#%lld, mailroom):\n%s\n", made->token.name.c_str(),
                static_cast<long long>(made->token.id), made->secret.c_str());
    std::fprintf(stderr,
                 "Keep it like a password: it is shown only now. The station sends it as "
                 "`Authorization: Bearer <token>`.\n");
    return 0;
  }
  auto tokens = accounts.tokens();
  if (!tokens) return report_error(tokens.error());
  if (args.action == "list") {
    for (const db::ApiToken& t : *tokens) {
      if (args.json) {
        std::cout << nlohmann::json{{"id", t.id},
                                    {"name", t.name},
                                    {"role", t.role},
                                    {"created_by", t.created_by},
                                    {"created_at", common::format_iso(t.created_at)},
                                    {"revoked", t.revoked_at.has_value()}}
                         .dump()
                  << '\n';
      } else {
        std::printf("#%-4lld %-20s created %s by %s, last used %s%s\n",
                    static_cast<long long>(t.id), t.name.c_str(),
                    common::format_local(t.created_at).c_str(), t.created_by.c_str(),
                    timestamp_or_dash(t.last_used_at).c_str(), t.revoked_at ? "  (revoked)" : "");
      }
    }
    return 0;
  }
  // revoke: by name or #id
  std::optional<db::Id> id;
  for (const db::ApiToken& t : *tokens) {
    if (staff::same_token_name(t.name, args.name) || fmt::format("#{}", t.id) == args.name) {
      id = t.id;
    }
  }
  if (!id) {
    return report_error({ErrorCode::not_found, fmt::format("no API token '{}'", args.name)});
  }
  if (auto revoked = accounts.revoke_token(*id, actor); !revoked) {
    return report_error(revoked.error());
  }
  std::printf("token %s revoked\n", args.name.c_str());
  return 0;
}

}  // namespace app

// `hoso serve`: the desk's HTTP server (app/desk_server) and its background jobs (app/served_desk)
// on the desk's database and carrier config, until SIGINT or SIGTERM (requests in flight and the
// jobs' work in hand finish first). Wiring only.
#pragma once

#include <string>
#include <vector>

#include "app/desk_server.hpp"

namespace CLI {
class App;
}

namespace app {

struct ServeArgs {
  std::string db;
  std::string config;
  std::string listen = "127.0.0.1:8080";
  int lookups_per_minute = 30;
  int connections_per_address = ServerOptions{}.connections_per_address;
  std::string web_dir;     // pages from this folder instead of the compiled-in copy
  std::string hot_folder;  // register files dropped here (as `hoso watch`)
  int sync_minutes = 10;   // carrier sync every this many minutes (0: never)
  bool secure_cookies = false;
  std::vector<std::string> trusted_proxies;  // whose X-Forwarded-For names the client
};
// Adds the options (and subcommands) of `serve` to `command`.
void define_serve_command(CLI::App& command, ServeArgs& args, const std::string& db_help);
int run_serve(const ServeArgs& args);

}  // namespace app

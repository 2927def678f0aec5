// `hoso serve`: the desk's HTTP server (app/desk_server) on the desk's database and carrier
// config, until SIGINT or SIGTERM (requests in flight finish first). Wiring only.
#pragma once

#include <string>

namespace CLI {
class App;
}

namespace app {

struct ServeArgs {
  std::string db;
  std::string config;
  std::string listen = "127.0.0.1:8080";
  int lookups_per_minute = 30;
};
void add_serve_command(CLI::App& cli, ServeArgs& args, const std::string& db_help);
int run_serve(const ServeArgs& args);

}  // namespace app

// The table of routes of one server: a method and a path pattern to a handler. Patterns are
// literal segments and typed captures, whole segments only, so a path can never reach more than
// the table names: `<int>` is digits, `<name>` is [a-z0-9_-]+, `<file>` is a name with one or more
// `.ext` ([a-z0-9]+) suffixes. Built once, then read by many workers at once (const after setup).
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "httpd/request.hpp"

namespace httpd {

using Handler = std::function<void(const Request&, Response&)>;

class Router {
 public:
  enum class Outcome { handled, no_route, wrong_method };

  // Adds a route; throws std::invalid_argument for a pattern that is not `/`-separated literal
  // segments and captures (a programming error, found at start-up).
  void get(std::string_view pattern, Handler handler);
  void post(std::string_view pattern, Handler handler);
  void add(std::string_view method, std::string_view pattern, Handler handler);

  // Finds the route of `req.method` and `req.path` (HEAD uses GET's), fills `req.matches` with the
  // whole path and the captures, and calls it. no_route: no pattern matches the path;
  // wrong_method: one does, for another method. `res` is untouched unless handled.
  Outcome dispatch(Request& req, Response& res) const;

 private:
  struct Segment {
    enum class Kind { literal, digits, name, file } kind;
    std::string text;
  };
  struct Route {
    std::string method;
    std::vector<Segment> segments;
    Handler handler;
  };
  static bool match(const std::vector<Segment>& segments, std::string_view path,
                    std::vector<std::string>& captures);

  std::vector<Route> routes_;
};

}  // namespace httpd

#include "httpd/router.hpp"

#include <stdexcept>

namespace httpd {
namespace {

bool name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

bool is_name(std::string_view text) {
  if (text.empty()) return false;
  for (const char c : text) {
    if (!name_char(c)) return false;
  }
  return true;
}

bool is_digits(std::string_view text) {
  if (text.empty()) return false;
  for (const char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// name(.ext)+ with ext in [a-z0-9]+.
bool is_file(std::string_view text) {
  const std::size_t dot = text.find('.');
  if (dot == std::string_view::npos || !is_name(text.substr(0, dot))) return false;
  std::string_view rest = text.substr(dot + 1);
  while (true) {
    const std::size_t next = rest.find('.');
    const std::string_view ext = rest.substr(0, next);
    if (ext.empty()) return false;
    for (const char c : ext) {
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) return false;
    }
    if (next == std::string_view::npos) return true;
    rest = rest.substr(next + 1);
  }
}

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> parts;
  if (path.empty() || path.front() != '/') return parts;
  path.remove_prefix(1);
  while (true) {
    const std::size_t slash = path.find('/');
    parts.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return parts;
}

}  // namespace

void Router::get(std::string_view pattern, Handler handler) {
  add("GET", pattern, std::move(handler));
}

void Router::post(std::string_view pattern, Handler handler) {
  add("POST", pattern, std::move(handler));
}

void Router::add(std::string_view method, std::string_view pattern, Handler handler) {
  if (pattern.empty() || pattern.front() != '/') {
    throw std::invalid_argument("route pattern must start with '/': " + std::string(pattern));
  }
  Route route{std::string(method), {}, std::move(handler)};
  for (const std::string_view part : split_path(pattern)) {
    if (part == "<int>") {
      route.segments.push_back({Segment::Kind::digits, {}});
    } else if (part == "<name>") {
      route.segments.push_back({Segment::Kind::name, {}});
    } else if (part == "<file>") {
      route.segments.push_back({Segment::Kind::file, {}});
    } else if (part.find_first_of("<>") != std::string_view::npos) {
      throw std::invalid_argument("unknown capture in route pattern: " + std::string(pattern));
    } else {
      route.segments.push_back({Segment::Kind::literal, std::string(part)});
    }
  }
  routes_.push_back(std::move(route));
}

bool Router::match(const std::vector<Segment>& segments, std::string_view path,
                   std::vector<std::string>& captures) {
  const std::vector<std::string_view> parts = split_path(path);
  if (parts.size() != segments.size()) return false;
  captures.clear();
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const Segment& segment = segments[i];
    switch (segment.kind) {
      case Segment::Kind::literal:
        if (parts[i] != segment.text) return false;
        continue;
      case Segment::Kind::digits:
        if (!is_digits(parts[i])) return false;
        break;
      case Segment::Kind::name:
        if (!is_name(parts[i])) return false;
        break;
      case Segment::Kind::file:
        if (!is_file(parts[i])) return false;
        break;
    }
    captures.emplace_back(parts[i]);
  }
  return true;
}

Router::Outcome Router::dispatch(Request& req, Response& res) const {
  const std::string_view method = req.method == "HEAD" ? std::string_view("GET") : req.method;
  bool path_known = false;
  std::vector<std::string> captures;
  for (const Route& route : routes_) {
    if (!match(route.segments, req.path, captures)) continue;
    if (route.method != method) {
      path_known = true;
      continue;
    }
    req.matches.clear();
    req.matches.push_back(req.path);
    for (auto& capture : captures) req.matches.push_back(std::move(capture));
    route.handler(req, res);
    return Outcome::handled;
  }
  return path_known ? Outcome::wrong_method : Outcome::no_route;
}

}  // namespace httpd

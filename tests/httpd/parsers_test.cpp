// The request parsing around the engine: routes, percent-decoding and queries, multipart forms.
#include <doctest/doctest.h>

#include "common/url.hpp"
#include "httpd/multipart.hpp"
#include "httpd/request.hpp"
#include "httpd/router.hpp"
#include "httpd/url.hpp"

namespace {

httpd::Request request(std::string method, std::string path) {
  httpd::Request req;
  req.method = std::move(method);
  req.path = std::move(path);
  return req;
}

}  // namespace

TEST_CASE("a route's captures are whole segments of the kind the pattern names") {
  httpd::Router router;
  std::string seen;
  router.get("/api/dossiers/<int>", [&](const httpd::Request& req, httpd::Response&) {
    seen = "dossier " + req.matches[1];
  });
  router.post("/api/dossiers/<int>/actions/<name>",
              [&](const httpd::Request& req, httpd::Response&) {
                seen = req.matches[2] + " " + req.matches[1];
              });
  router.get("/static/<file>",
             [&](const httpd::Request& req, httpd::Response&) { seen = "file " + req.matches[1]; });
  httpd::Response res;

  auto get = request("GET", "/api/dossiers/42");
  CHECK(router.dispatch(get, res) == httpd::Router::Outcome::handled);
  CHECK(seen == "dossier 42");
  auto act = request("POST", "/api/dossiers/7/actions/accept");
  CHECK(router.dispatch(act, res) == httpd::Router::Outcome::handled);
  CHECK(seen == "accept 7");
  auto file = request("GET", "/static/app.min.js");
  CHECK(router.dispatch(file, res) == httpd::Router::Outcome::handled);
  CHECK(seen == "file app.min.js");

  for (const char* path :
       {"/api/dossiers/4x", "/api/dossiers/", "/api/dossiers/1/2", "/static/../hoso.db",
        "/static/app", "/static/a/b.js", "/static/.js", "/api/dossiers/1/actions/ACCEPT"}) {
    CAPTURE(path);
    auto wrong = request("GET", path);
    auto wrong_post = request("POST", path);
    CHECK(router.dispatch(wrong_post, res) == httpd::Router::Outcome::no_route);
    CHECK(router.dispatch(wrong, res) == httpd::Router::Outcome::no_route);
  }
}

TEST_CASE("a path served for another method is told apart from a path not served at all") {
  httpd::Router router;
  int calls = 0;
  router.post("/api/login", [&](const httpd::Request&, httpd::Response&) { ++calls; });
  router.get("/api/health", [&](const httpd::Request&, httpd::Response&) { ++calls; });
  httpd::Response res;
  auto get_login = request("GET", "/api/login");
  CHECK(router.dispatch(get_login, res) == httpd::Router::Outcome::wrong_method);
  auto head = request("HEAD", "/api/health");
  CHECK(router.dispatch(head, res) == httpd::Router::Outcome::handled);
  auto nowhere = request("GET", "/api/nowhere");
  CHECK(router.dispatch(nowhere, res) == httpd::Router::Outcome::no_route);
  CHECK(calls == 1);
  CHECK_THROWS_AS(router.get("/api/<id>", {}), std::invalid_argument);
  CHECK_THROWS_AS(router.get("api", {}), std::invalid_argument);
}

TEST_CASE("query strings decode percent escapes and plus signs, and keep a broken escape as sent") {
  const auto params = httpd::parse_query("code=EB%20123&name=Nguy%E1%BB%85n+An&flag&&x=%zz&=v");
  CHECK(params.find("code")->second == "EB 123");
  CHECK(params.find("name")->second == "Nguyễn An");
  CHECK(params.find("flag")->second.empty());
  CHECK(params.find("x")->second == "%zz");
  CHECK(params.size() == 4);
  CHECK(common::percent_decode("/a%2Fb+c") == "/a/b+c");
  CHECK(common::percent_decode("50%") == "50%");
  CHECK(common::percent_decode("%4") == "%4");
}

TEST_CASE("limits count an IPv4 address alone and an IPv6 address with the rest of its /64") {
  CHECK(httpd::address_block("203.0.113.7") == "203.0.113.7");
  CHECK(httpd::address_block("2001:db8:1:2:a:b:c:d") == "2001:db8:1:2::/64");
  CHECK(httpd::address_block("2001:db8:1:2::ffff") == httpd::address_block("2001:db8:1:2:1::"));
  CHECK(httpd::address_block("2001:db8:1:3::1") != httpd::address_block("2001:db8:1:2::1"));
  CHECK(httpd::address_block("::1") == "::/64");
  CHECK(httpd::address_block("not an address") == "not an address");
}

TEST_CASE("percent-encoding keeps only unreserved bytes and decodes back to the same bytes") {
  CHECK(common::percent_encode("EB 123/4&mk=K7+Q") == "EB%20123%2F4%26mk%3DK7%2BQ");
  CHECK(common::percent_encode("A-z_0.9~") == "A-z_0.9~");
  const std::string name = "Trần Thị Ngọc Hân";
  CHECK(common::percent_encode(name) == "Tr%E1%BA%A7n%20Th%E1%BB%8B%20Ng%E1%BB%8Dc%20H%C3%A2n");
  CHECK(common::percent_decode(common::percent_encode(name)) == name);
}

TEST_CASE("a multipart form gives each part's name, file name, type and exact bytes") {
  const std::string boundary =
      httpd::multipart_boundary("multipart/form-data; boundary=\"----hoso 42\"");
  REQUIRE(boundary == "----hoso 42");
  const std::string binary("\r\n--\0\xff\r\n", 8);
  const std::string body =
      "preamble to ignore\r\n"
      "------hoso 42\r\n"
      "Content-Disposition: form-data; name=\"file\"; filename=\"a \\\"b\\\".jpg\"\r\n"
      "Content-Type: image/jpeg\r\n\r\n" +
      binary +
      "\r\n------hoso 42\r\n"
      "content-disposition: form-data; name=batch\r\n\r\n"
      "Lô 1\r\n------hoso 42--\r\n";
  const auto parts = httpd::parse_multipart(body, boundary);
  REQUIRE(parts);
  REQUIRE(parts->size() == 2);
  CHECK((*parts)[0].name == "file");
  CHECK((*parts)[0].filename == "a \"b\".jpg");
  CHECK((*parts)[0].content_type == "image/jpeg");
  CHECK((*parts)[0].content == binary);
  CHECK((*parts)[1].name == "batch");
  CHECK((*parts)[1].filename.empty());
  CHECK((*parts)[1].content == "Lô 1");
}

TEST_CASE("a multipart body that cannot be read is refused with the reason") {
  CHECK(httpd::multipart_boundary("application/json").empty());
  CHECK(httpd::multipart_boundary("multipart/form-data").empty());
  CHECK(httpd::multipart_boundary("multipart/form-data; boundary=" + std::string(71, 'x')).empty());
  const std::string ok_part = "--b\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nx\r\n";
  struct Case {
    const char* what;
    std::string body;
  };
  const Case cases[] = {
      {"no boundary at all", "just text"},
      {"no closing boundary", ok_part},
      {"headers never end", "--b\r\nContent-Disposition: form-data; name=\"f\"\r\nx"},
      {"no Content-Disposition", "--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--"},
      {"a header without a colon", "--b\r\nbroken\r\n\r\nx\r\n--b--"},
      {"not form-data", "--b\r\nContent-Disposition: attachment; name=f\r\n\r\nx\r\n--b--"},
      {"an unterminated quote",
       "--b\r\nContent-Disposition: form-data; name=\"f\r\n\r\nx\r\n--b--"},
      {"garbage after a boundary", "--bXYZ\r\n"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.what);
    const auto parts = httpd::parse_multipart(c.body, "b");
    REQUIRE_FALSE(parts);
    CHECK(parts.error().code == common::ErrorCode::bad_input);
    CHECK(parts.error().render(common::Lang::vi).find("multipart/form-data") != std::string::npos);
  }
  std::string many;
  for (int i = 0; i < 5; ++i)
    many += "--b\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nx\r\n";
  many += "--b--";
  CHECK(httpd::parse_multipart(many, "b", 5));
  CHECK_FALSE(httpd::parse_multipart(many, "b", 4));
}

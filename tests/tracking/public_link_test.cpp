// The desk's public address: what citizens' phones can open, and what is refused before a QR code
// nobody can follow is printed.
#include <doctest/doctest.h>

#include <string>

#include "common/result.hpp"
#include "tracking/public_link.hpp"

namespace {

// The id of the message public_url_problem gives, or "" when the address is fine.
std::string problem_id(const std::string& url, bool local_ok = false) {
  const auto problem = tracking::public_url_problem(url, local_ok);
  if (!problem) return "";
  CHECK(problem->code == common::ErrorCode::conflict);
  return std::string(problem->text.id());
}

}  // namespace

TEST_CASE(
    "a desk's public address is refused when unset, malformed, or only the server can open it") {
  CHECK(problem_id("") == "public_url_unset");
  for (const char* malformed : {"motcua.danang.gov.vn", "ftp://motcua.danang.gov.vn", "https://",
                                "http:///tra-cuu", "https://[::1", "javascript:alert(1)"}) {
    INFO(malformed);
    CHECK(problem_id(malformed) == "public_url_malformed");
  }
  for (const char* loopback :
       {"http://127.0.0.1:8080", "http://127.8.9.10", "HTTP://LOCALHOST/", "http://localhost.:80",
        "https://desk.localhost", "http://[::1]:8080/", "http://0.0.0.0:8080",
        "http://admin@127.0.0.1/", "http://[::ffff:127.0.0.1]/"}) {
    INFO(loopback);
    CHECK(problem_id(loopback) == "public_url_loopback");
    CHECK(problem_id(loopback, true).empty());  // the demo's desk: citizens are on this machine
  }
  for (const char* good : {"https://motcua.danang.gov.vn", "http://10.0.5.20:8080",
                           "https://dichvucong.hanoi.gov.vn/", "HTTPS://MotCua.DaNang.gov.vn/hoso",
                           "http://[2001:db8::5]:8080", "http://127-a.example.vn"}) {
    INFO(good);
    CHECK(problem_id(good).empty());
  }
}

TEST_CASE("the refusal names the address and says who can fix it, in both languages") {
  const auto problem = tracking::public_url_problem("http://127.0.0.1:8080", false);
  REQUIRE(problem.has_value());
  const std::string vi = problem->render(common::Lang::vi);
  CHECK(vi.find("http://127.0.0.1:8080") != std::string::npos);
  CHECK(vi.find("trang Quản trị") != std::string::npos);
  const std::string en = problem->render(common::Lang::en);
  CHECK(en.find("admin page") != std::string::npos);
}

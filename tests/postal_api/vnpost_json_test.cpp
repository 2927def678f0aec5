// The MyVNPost answers recorded in samples/carriers/vnpost/ read through the adapter's parsing
// functions, without a network.
#include "postal_api/detail/vnpost_json.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

using common::ErrorCode;
using postal_api::ShipmentStatus;
using postal_api::StatusMap;
namespace wire = postal_api::detail::vnpost;

namespace {

std::string recorded(const std::string& name) {
  const auto file = std::filesystem::path(HOSO_SOURCE_DIR) / "samples/carriers/vnpost" / name;
  std::ifstream in(file, std::ios::binary);
  REQUIRE_MESSAGE(in, "cannot read ", file.string());
  std::stringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

const StatusMap& statuses() {
  static const StatusMap map = [] {
    auto loaded = StatusMap::load(std::filesystem::path(HOSO_SOURCE_DIR) /
                                  "samples/carriers/vnpost-status.csv");
    if (!loaded) throw std::runtime_error(loaded.error().message);
    return std::move(loaded).value();
  }();
  return map;
}

common::Timestamp local(const char* text) { return common::parse_local(text).value(); }

}  // namespace

TEST_CASE("a good tracking page gives each item its events sorted, without repeats") {
  auto page = wire::parse_track_page(recorded("track-page.json"), statuses());
  REQUIRE_MESSAGE(page, (page ? std::string() : page.error().message));
  CHECK(page->total_count == 2);
  CHECK(page->page_index == 1);
  CHECK(page->page_size == 100);
  CHECK(page->failures.empty());
  CHECK(page->unattributed.empty());
  REQUIRE(page->not_found.size() == 1);
  CHECK(page->not_found[0] == "EA000000000VN");
  REQUIRE(page->items.size() == 2);

  const auto& item = page->items[1];
  CHECK(item.tracking_number == "EB000100128VN");
  // Six logs listed out of order, one of them twice.
  REQUIRE(item.events.size() == 5);
  CHECK(item.events.front().carrier_code == "70");
  CHECK(item.events.front().time == local("2026-11-20T08:15:00"));
  CHECK(item.events.front().status == ShipmentStatus::picked_up);
  CHECK(item.events.front().location_code == "100000");
  CHECK(item.events.front().location == "Bưu cục Hà Nội");
  for (std::size_t i = 1; i < item.events.size(); ++i) {
    CHECK(item.events[i - 1].time < item.events[i].time);
  }
  CHECK(item.events.back().carrier_code == "91");
  CHECK(item.events.back().description == "Phát không thành công: Người nhận vắng nhà");
  CHECK(item.status == ShipmentStatus::delivery_failed);
}

TEST_CASE("an item with no logs takes the carrier's OrderStatusId") {
  auto page = wire::parse_track_page(recorded("track-page.json"), statuses());
  REQUIRE(page);
  const auto& item = page->items[0];
  CHECK(item.tracking_number == "RR123456785VN");
  CHECK(item.events.empty());
  CHECK(item.status == ShipmentStatus::in_transit);
}

TEST_CASE("one malformed item fails alone, named with its field, and the rest of the page counts") {
  auto page = wire::parse_track_page(recorded("track-page-malformed-item.json"), statuses());
  REQUIRE_MESSAGE(page, (page ? std::string() : page.error().message));
  REQUIRE(page->items.size() == 1);
  CHECK(page->items[0].tracking_number == "RR123456785VN");
  CHECK(page->items[0].status == ShipmentStatus::delivered);  // "100" as a string is read too
  REQUIRE(page->failures.size() == 2);
  const auto& bad_time = page->failures.at("EB000100128VN");
  CHECK(bad_time.code == ErrorCode::bad_input);
  CHECK(bad_time.message == R"(EB000100128VN: Logs[2].CreateTime "not a date" is not a time)");
  CHECK(page->failures.at("EB000100137VN").message ==
        R"(EB000100137VN: Logs[0].StatusId "bảy mươi" is not a number)");
  REQUIRE(page->unattributed.size() == 1);
  CHECK(page->unattributed[0] == "Items[2].ItemCode is missing");
}

TEST_CASE("a page of numbers the carrier does not know lists them in NotFound") {
  auto page = wire::parse_track_page(recorded("track-not-found.json"), statuses());
  REQUIRE(page);
  CHECK(page->items.empty());
  CHECK(page->not_found == std::vector<std::string>{"EB000100128VN", "RR123456785VN"});
}

TEST_CASE("a truncated or garbled tracking answer is bad_input, so the client retries it") {
  for (const std::string& body :
       {recorded("track-truncated.json"), std::string(""), std::string("<html>502</html>"),
        std::string("[1,2]"), std::string(R"({"IsSuccess": true})"),
        std::string(R"({"IsSuccess": true, "PageIndex": "one", "Items": []})")}) {
    CAPTURE(body);
    auto page = wire::parse_track_page(body, statuses());
    REQUIRE_FALSE(page);
    CHECK(page.error().code == ErrorCode::bad_input);
  }
}

TEST_CASE("a tracking request the carrier refuses is unavailable with its message") {
  auto page = wire::parse_track_page(recorded("track-refused.json"), statuses());
  REQUIRE_FALSE(page);
  CHECK(page.error().code == ErrorCode::unavailable);
  CHECK(page.error().message.find("vượt quá 100") != std::string::npos);
}

TEST_CASE("a created order gives the carrier's id, the tracking number and the price") {
  auto created = wire::parse_created(recorded("create-order.json"), statuses());
  REQUIRE_MESSAGE(created, (created ? std::string() : created.error().message));
  CHECK(created->carrier_order_id == "100123");
  CHECK(created->tracking_number == "EB000100128VN");
  CHECK(created->order_code == "HS-000123-R1");
  CHECK(created->price_vnd == 32000);
  CHECK(created->status == ShipmentStatus::info_received);
  CHECK(created->label.at("CreateTime") == "2026-11-29T10:00:00");
}

TEST_CASE("a CreateOrder answer without ItemCode is bad_input naming the field") {
  auto created = wire::parse_created(R"({"Id": 5, "OrderCode": "X"})", statuses());
  REQUIRE_FALSE(created);
  CHECK(created.error().code == ErrorCode::bad_input);
  CHECK(created.error().message.find("ItemCode") != std::string::npos);
}

TEST_CASE("a login gives the token, and refused credentials quote the carrier") {
  auto token = wire::parse_login(recorded("login-ok.json"));
  REQUIRE(token);
  CHECK(*token == "c2ltLXRva2VuLTE");

  auto refused = wire::parse_login(recorded("login-refused.json"));
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == ErrorCode::invalid_argument);
  CHECK(refused.error().message == "vnpost login refused: Tên đăng nhập hoặc mật khẩu không đúng");
  CHECK(refused.error().render(common::Lang::vi) ==
        "Đơn vị bưu chính vnpost từ chối đăng nhập: “Tên đăng nhập hoặc mật khẩu không đúng”; hãy "
        "kiểm tra tài khoản kết nối");

  auto injected = wire::parse_login(R"({"IsSuccess": true, "Token": "a\r\nX-Evil: 1"})");
  REQUIRE_FALSE(injected);
  CHECK(injected.error().code == ErrorCode::bad_input);
}

TEST_CASE("the carrier's error message is read from refusals and missing elsewhere") {
  CHECK(wire::carrier_message(recorded("cancel-refused.json")) ==
        "Đơn hàng đã được bưu cục nhận, không thể hủy");
  CHECK(wire::carrier_message(recorded("create-order-refused.json")).find("ReceiverAddress") !=
        std::string::npos);
  CHECK(wire::carrier_message("not json").empty());
  CHECK_FALSE(wire::is_success(recorded("token-expired.json")));
  CHECK(wire::is_success(R"({"IsSuccess": true})"));
}

TEST_CASE("request bodies follow the contract's field names") {
  const std::vector<std::string> numbers{"EB000100128VN", "RR123456785VN"};
  const auto track = nlohmann::json::parse(wire::track_body(2, 100, numbers));
  CHECK(track["PageIndex"] == 2);
  CHECK(track["PageSize"] == 100);
  CHECK(track["ListItemCode"] == nlohmann::json(numbers));

  postal_api::ShipmentOrder order;
  order.order_code = "HS-000123-R1";
  order.receiver.name = "Nguyễn Văn A";
  order.receiver.ward_id = 7;
  const auto create = nlohmann::json::parse(wire::create_order_body(order));
  CHECK(create["OrderCode"] == "HS-000123-R1");
  CHECK(create["ServiceName"] == "EMS");
  CHECK(create["ReceiverFullname"] == "Nguyễn Văn A");
  CHECK(create["ReceiverWardId"] == 7);
  CHECK(create["WeightEvaluation"] == 200);

  CHECK(nlohmann::json::parse(wire::cancel_body("100123"))["OrderId"] == 100123);
  CHECK(nlohmann::json::parse(wire::login_body("hoso-desk", "secret"))["TenDangNhap"] ==
        "hoso-desk");
}

TEST_CASE("a webhook's Data gives the number and the event, and a bad field is named") {
  const std::string data =
      R"({"ItemCode":"EB000100128VN","OrderCode":"HS-000123-R1","StatusId":91,)"
      R"("StatusName":"Phát không thành công","CreateTime":"2026-11-21T10:30:00",)"
      R"("PostOfficeCode":"100900","PostOfficeName":"Bưu cục phát Hoàn Kiếm",)"
      R"("Description":"Người nhận vắng nhà"})";
  auto said = wire::parse_webhook_data(data, statuses());
  REQUIRE_MESSAGE(said, (said ? std::string() : said.error().message));
  CHECK(said->first == "EB000100128VN");
  CHECK(said->second.status == ShipmentStatus::delivery_failed);
  CHECK(said->second.time == local("2026-11-21T10:30:00"));

  auto bad = wire::parse_webhook_data(
      R"({"ItemCode":"EB000100128VN","StatusId":91,"CreateTime":"yesterday"})", statuses());
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message ==
        R"(EB000100128VN: the webhook's Data: CreateTime "yesterday" is not a time)");

  auto envelope = wire::parse_webhook_envelope(R"({"Data": "{}", "SendDate": 5})");
  REQUIRE_FALSE(envelope);
  CHECK(envelope.error().message == "webhook refused: SendDate should be a text");
}

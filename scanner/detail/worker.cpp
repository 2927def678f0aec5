#include "scanner/detail/worker.hpp"

#include <fmt/format.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <new>
#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <span>
#include <thread>

#include "scanner/detail/image_source.hpp"
#include "scanner/detail/pipeline.hpp"
#include "scanner/messages.hpp"
#include "scanner/text_json.hpp"

namespace scanner::detail {

using common::ErrorCode;
using common::make_error;
using nlohmann::json;

namespace {

std::string_view op_name(WorkerOp op) {
  switch (op) {
    case WorkerOp::probe:
      return "probe";
    case WorkerOp::decode:
      return "decode";
    case WorkerOp::frame:
      return "frame";
  }
  return "decode";
}

template <typename Bytes>
std::string to_hex(const Bytes& bytes) {
  static constexpr char k_digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (auto c : bytes) {
    const auto b = static_cast<std::uint8_t>(c);
    out += k_digits[b >> 4];
    out += k_digits[b & 15];
  }
  return out;
}

std::vector<std::uint8_t> from_hex(const std::string& hex) {
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return 0;
  };
  std::vector<std::uint8_t> out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<std::uint8_t>(nibble(hex[i]) << 4 | nibble(hex[i + 1])));
  }
  return out;
}

std::optional<ErrorCode> error_code_from_name(std::string_view name) {
  for (auto code : {ErrorCode::invalid_argument, ErrorCode::bad_input, ErrorCode::not_found,
                    ErrorCode::limit_exceeded, ErrorCode::timeout, ErrorCode::crashed,
                    ErrorCode::io_error, ErrorCode::internal}) {
    if (common::error_code_name(code) == name) return code;
  }
  return std::nullopt;
}

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

}  // namespace

std::string encode_request(const WorkerRequest& r) {
  json j = {{"op", op_name(r.op)},
            // A file name is bytes, not text: one that is not UTF-8 (a Latin-1 share) would reach
            // the worker with replacement characters in it and name no file.
            {"path_hex", to_hex(r.path)},
            {"page", r.page},
            {"formats", r.formats.bits()},
            {"plain_only", r.plain_only},
            {"baseline", r.baseline},
            {"max_megapixels", r.limits.max_megapixels},
            {"max_pages", r.limits.max_pages},
            {"max_file_bytes", r.limits.max_file_bytes},
            {"pdf_dpi", r.limits.pdf_dpi},
            {"width", r.width},
            {"height", r.height}};
  return dump(j);
}

common::Result<WorkerRequest> decode_request(std::string_view line) {
  try {
    json j = json::parse(line);
    WorkerRequest r;
    std::string op = j.at("op").get<std::string>();
    r.op = op == "probe" ? WorkerOp::probe : op == "frame" ? WorkerOp::frame : WorkerOp::decode;
    const auto path = from_hex(j.at("path_hex").get<std::string>());
    r.path.assign(path.begin(), path.end());
    r.page = j.at("page").get<int>();
    r.formats = FormatSet(j.at("formats").get<std::uint32_t>());
    r.plain_only = j.at("plain_only").get<bool>();
    r.baseline = j.at("baseline").get<bool>();
    r.limits.max_megapixels = j.at("max_megapixels").get<double>();
    r.limits.max_pages = j.at("max_pages").get<int>();
    r.limits.max_file_bytes = j.at("max_file_bytes").get<std::uint64_t>();
    r.limits.pdf_dpi = j.at("pdf_dpi").get<int>();
    r.width = j.at("width").get<int>();
    r.height = j.at("height").get<int>();
    return r;
  } catch (const json::exception& e) {
    return make_error(ErrorCode::internal, fmt::format("malformed worker request: {}", e.what()));
  }
}

std::string encode_response(const WorkerResponse& r) {
  json symbols = json::array();
  for (const auto& s : r.symbols) {
    json corners = json::array();
    for (const auto& p : s.corners) corners.push_back({p.x, p.y});
    symbols.push_back({{"format", static_cast<std::uint32_t>(s.format)},
                       {"text", s.text},
                       {"bytes", to_hex(s.bytes)},
                       {"corners", corners}});
  }
  json j = {{"ok", r.ok},
            {"code", common::error_code_name(r.error.code)},
            {"error", r.error.message},
            {"page_count", r.page_count},
            {"load_ms", r.load_ms},
            {"decode_ms", r.decode_ms},
            {"symbols", symbols}};
  if (!r.error.text.empty()) j["text"] = json::parse(text_to_json(r.error.text));
  return dump(j);
}

common::Result<WorkerResponse> decode_response(std::string_view line) {
  try {
    json j = json::parse(line);
    WorkerResponse r;
    r.ok = j.at("ok").get<bool>();
    r.error.code =
        error_code_from_name(j.at("code").get<std::string>()).value_or(ErrorCode::internal);
    r.error.message = j.at("error").get<std::string>();
    if (j.contains("text")) r.error.text = text_from_json(j.at("text").dump(), &msg::find);
    r.page_count = j.at("page_count").get<int>();
    r.load_ms = j.at("load_ms").get<double>();
    r.decode_ms = j.at("decode_ms").get<double>();
    for (const auto& js : j.at("symbols")) {
      Symbol s;
      s.format = static_cast<Format>(js.at("format").get<std::uint32_t>());
      s.text = js.at("text").get<std::string>();
      s.bytes = from_hex(js.at("bytes").get<std::string>());
      const auto& corners = js.at("corners");
      for (std::size_t i = 0; i < 4 && i < corners.size(); ++i) {
        s.corners[i] = Point{corners[i].at(0).get<int>(), corners[i].at(1).get<int>()};
      }
      r.symbols.push_back(std::move(s));
    }
    return r;
  } catch (const json::exception& e) {
    return make_error(ErrorCode::internal,
                      fmt::format("the decode worker sent a malformed answer: {}", e.what()));
  }
}

WorkerResponse handle_request(const WorkerRequest& request,
                              const std::vector<std::uint8_t>& frame) {
  WorkerResponse response;
  auto fail = [&](common::Error e) {
    response.ok = false;
    response.error = std::move(e);
    return response;
  };
  try {
    PipelineOptions options;
    options.formats = request.formats;
    options.plain_only = request.plain_only;
    using clock = std::chrono::steady_clock;
    auto ms_since = [](clock::time_point t) {
      return std::chrono::duration<double, std::milli>(clock::now() - t).count();
    };
    auto decode = [&](const cv::Mat& grey) {
      auto start = clock::now();
      response.symbols =
          request.baseline ? decode_baseline(grey, request.formats) : decode_image(grey, options);
      response.decode_ms = ms_since(start);
    };
    if (request.op == WorkerOp::frame) {
      cv::Mat grey(request.height, request.width, CV_8UC1, const_cast<std::uint8_t*>(frame.data()));
      decode(grey);
      response.ok = true;
      return response;
    }
    auto load_start = clock::now();
    auto content = read_file(request.path, request.limits);
    if (!content) return fail(content.error());
    std::span<const std::uint8_t> data(reinterpret_cast<const std::uint8_t*>(content->data()),
                                       content->size());
    auto probed = probe(data);
    if (!probed) return fail(probed.error());
    if (request.op == WorkerOp::probe) {
      auto pages = page_count(request.path, data, *probed, request.limits);
      if (!pages) return fail(pages.error());
      response.page_count = *pages;
      response.ok = true;
      return response;
    }
    auto image = load_page(request.path, data, *probed, request.page, request.limits);
    if (!image) return fail(image.error());
    response.load_ms = ms_since(load_start);
    decode(*image);
    for (auto& s : response.symbols) s.page = request.page;
    response.ok = true;
    return response;
  } catch (const std::bad_alloc&) {
    return fail(make_error(ErrorCode::limit_exceeded, msg::out_of_memory));
  } catch (const cv::Exception& e) {
    if (e.code == cv::Error::StsNoMem) {
      return fail(make_error(ErrorCode::limit_exceeded, msg::out_of_memory));
    }
    return fail(make_error(ErrorCode::bad_input, msg::processing_failed, {{"detail", e.msg}}));
  } catch (const std::exception& e) {
    return fail(make_error(ErrorCode::internal, fmt::format("decoder error: {}", e.what())));
  }
}

int run_worker(int memory_limit_mb) {
  // Die with the supervisor rather than linger as an orphan. Not PR_SET_PDEATHSIG: it fires when
  // the *thread* that spawned us exits, and the supervisor's pool lends a worker to any thread.
  // A closed stdin ends the loop below; this watchdog covers a worker stuck inside a decode.
  std::thread([parent = ::getppid()] {
    for (;;) {
      std::this_thread::sleep_for(std::chrono::seconds(1));
      if (::getppid() != parent) std::_Exit(0);
    }
  }).detach();
#if !defined(HOSO_SANITIZE)
  if (memory_limit_mb > 0) {
    rlimit limit{};
    limit.rlim_cur = limit.rlim_max = static_cast<rlim_t>(memory_limit_mb) << 20;
    ::setrlimit(RLIMIT_AS, &limit);
  }
#else
  (void)memory_limit_mb;  // the sanitizers reserve terabytes of address space
#endif
  // A second line of defence behind our own header check, for formats OpenCV sizes itself.
  ::setenv("CV_IO_MAX_IMAGE_PIXELS", "400000000", 0);
  cv::setNumThreads(1);  // parallelism comes from several workers, not threads inside one
  std::ios::sync_with_stdio(false);
  std::string line;
  while (std::getline(std::cin, line)) {
    auto request = decode_request(line);
    WorkerResponse response;
    if (!request) {
      response.error = request.error();
    } else {
      std::vector<std::uint8_t> frame;
      if (request->op == WorkerOp::frame) {
        if (request->width <= 0 || request->height <= 0) return 2;
        frame.resize(static_cast<std::size_t>(request->width) *
                     static_cast<std::size_t>(request->height));
        if (!std::cin.read(reinterpret_cast<char*>(frame.data()),
                           static_cast<std::streamsize>(frame.size()))) {
          return 2;
        }
      }
      response = handle_request(*request, frame);
    }
    std::cout << encode_response(response) << '\n' << std::flush;
  }
  return 0;
}

}  // namespace scanner::detail

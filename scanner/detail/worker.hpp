// The decode worker's side of the supervisor protocol, and the protocol itself. One request per
// line of JSON on stdin, one response per line on stdout; a "frame" request is followed by its raw
// grey pixels. The worker is a separate process so that ZXing aborting or hanging costs only that
// process.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "scanner/limits.hpp"
#include "scanner/symbol.hpp"

namespace scanner::detail {

enum class WorkerOp { probe, decode, frame };

struct WorkerRequest {
  WorkerOp op = WorkerOp::decode;
  std::string path;  // probe, decode
  int page = 0;      // decode
  FormatSet formats = FormatSet::all();
  bool plain_only = false;  // only the plain pass (retry after the full pipeline crashed)
  bool baseline = false;    // benchmarks: one plain ZXing pass per format instead of the pipeline
  Limits limits;
  int width = 0;  // frame: followed by width × height bytes
  int height = 0;
};

struct WorkerResponse {
  bool ok = false;
  common::Error error;  // when !ok
  int page_count = 0;   // probe
  std::vector<Symbol> symbols;
  double load_ms = 0;    // reading and decoding the file into pixels
  double decode_ms = 0;  // finding and decoding the barcodes
};

std::string encode_request(const WorkerRequest& request);
common::Result<WorkerRequest> decode_request(std::string_view line);
std::string encode_response(const WorkerResponse& response);
common::Result<WorkerResponse> decode_response(std::string_view line);

// Handles one request in this process. Never throws.
WorkerResponse handle_request(const WorkerRequest& request, const std::vector<std::uint8_t>& frame);

// The worker's main loop over stdin/stdout; returns the process exit code when stdin closes.
// Applies `memory_limit_mb` to this process's address space first (skipped under sanitizers).
int run_worker(int memory_limit_mb);

}  // namespace scanner::detail

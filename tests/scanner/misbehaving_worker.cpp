// misbehaving-worker: a decode worker that speaks the real protocol (scanner/detail/worker.hpp) and
// decodes like the real one, except when asked to decode a file whose name contains a trigger word:
//   crash-in-pipeline  aborts unless the request is the plain-pass retry
//   crash              aborts, after saying so on stderr (its "last words")
//   hang               never answers (blocks in pause() until the supervisor kills it)
//   garbage            answers with a line that is not JSON
//   exit               exits with status 7 without answering
// Probe requests are always answered normally, so the misbehaviour hits the page decode.
#include <sys/prctl.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "scanner/detail/worker.hpp"

namespace {

using scanner::detail::WorkerOp;
using scanner::detail::WorkerRequest;

bool name_contains(const WorkerRequest& request, const char* word) {
  return std::filesystem::path(request.path).filename().string().find(word) != std::string::npos;
}

// Misbehaves as the file name asks; returns only when the request should be handled normally.
void misbehave_if_asked(const WorkerRequest& request) {
  if (request.op != WorkerOp::decode) return;
  if (name_contains(request, "crash-in-pipeline")) {
    if (request.plain_only) return;
    std::fprintf(stderr, "misbehaving-worker: deliberate abort in the full pipeline\n");
    std::abort();
  }
  if (name_contains(request, "crash")) {
    std::fprintf(stderr, "misbehaving-worker: deliberate abort while decoding %s\n",
                 request.path.c_str());
    std::abort();
  }
  if (name_contains(request, "hang")) {
    for (;;) ::pause();
  }
  if (name_contains(request, "garbage")) {
    std::cout << "this is not a JSON response\n" << std::flush;
    // Then behave: the supervisor must not trust the answer whatever follows.
  }
  if (name_contains(request, "exit")) std::_Exit(7);
}

}  // namespace

int main() {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive the test
  std::ios::sync_with_stdio(false);
  std::string line;
  while (std::getline(std::cin, line)) {
    auto request = scanner::detail::decode_request(line);
    scanner::detail::WorkerResponse response;
    if (!request) {
      response.error = request.error();
    } else {
      std::vector<std::uint8_t> frame;
      if (request->op == WorkerOp::frame) {
        frame.resize(static_cast<std::size_t>(request->width) *
                     static_cast<std::size_t>(request->height));
        if (!std::cin.read(reinterpret_cast<char*>(frame.data()),
                           static_cast<std::streamsize>(frame.size()))) {
          return 2;
        }
      }
      misbehave_if_asked(*request);
      response = scanner::detail::handle_request(*request, frame);
    }
    std::cout << scanner::detail::encode_response(response) << '\n' << std::flush;
  }
  return 0;
}

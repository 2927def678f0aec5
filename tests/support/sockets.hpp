// A raw TCP client for tests of the HTTP servers: connect from a chosen loopback address, send
// bytes as slowly or as wrongly as a hostile client would, read an answer or the close. Blocking
// sockets with a receive timeout as a safety net (a hung server fails the test, never hangs it).
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>

namespace test_support {

class RawClient {
 public:
  // Connects to 127.0.0.1:`port` from `source` (any 127.x.y.z address: all are this machine).
  RawClient(int port, const std::string& source = "127.0.0.1", int timeout_s = 20) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd_ < 0) throw std::runtime_error("socket() failed");
    timeval tv{timeout_s, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    sockaddr_in from{};
    from.sin_family = AF_INET;
    ::inet_pton(AF_INET, source.c_str(), &from.sin_addr);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&from), sizeof(from)) != 0) {
      throw std::runtime_error("cannot bind a client socket to " + source);
    }
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(static_cast<std::uint16_t>(port));
    ::inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&to), sizeof(to)) != 0) {
      throw std::runtime_error("cannot connect to 127.0.0.1:" + std::to_string(port));
    }
  }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;
  RawClient(RawClient&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  ~RawClient() {
    if (fd_ >= 0) ::close(fd_);
  }

  // False when the server has closed the connection (EPIPE, ECONNRESET).
  bool send(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

  // Reads until the server closes the connection; what it sent before closing. Throws when the
  // safety timeout passes first.
  std::string read_until_close() {
    std::string all;
    std::array<char, 4096> buffer{};
    while (true) {
      const ssize_t n = ::recv(fd_, buffer.data(), buffer.size(), 0);
      if (n > 0) {
        all.append(buffer.data(), static_cast<std::size_t>(n));
      } else if (n == 0 || errno == ECONNRESET) {
        return all;
      } else if (errno != EINTR) {
        throw std::runtime_error("the server neither answered nor closed the connection");
      }
    }
  }

  // True when the server closes the connection within `ms` milliseconds (what it sends meanwhile
  // is dropped); false when it is still open then.
  bool closed_within(int ms) {
    pollfd p{fd_, POLLIN | POLLRDHUP, 0};
    if (::poll(&p, 1, ms) <= 0) return false;
    if ((p.revents & (POLLHUP | POLLRDHUP | POLLERR)) != 0) return true;
    std::array<char, 4096> buffer{};
    const ssize_t n = ::recv(fd_, buffer.data(), buffer.size(), MSG_DONTWAIT);
    return n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR);
  }

  // True when the server has sent something (or closed) within `ms` milliseconds.
  bool readable_within(int ms) {
    if (!pending_.empty()) return true;
    pollfd p{fd_, POLLIN | POLLRDHUP, 0};
    return ::poll(&p, 1, ms) > 0;
  }

  struct Answer {
    int status = 0;
    std::string head;
    std::string body;
  };

  // Reads one answer (status line, header, a Content-Length body); status 0 when the connection
  // closed first.
  Answer read_answer() {
    std::array<char, 4096> buffer{};
    while (true) {
      const auto head_end = pending_.find("\r\n\r\n");
      if (head_end != std::string::npos) {
        Answer answer;
        answer.head = pending_.substr(0, head_end);
        std::string lower = answer.head;
        for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        const auto at = lower.find("content-length:");
        const std::size_t length =
            at == std::string::npos ? 0 : std::strtoul(lower.c_str() + at + 15, nullptr, 10);
        if (pending_.size() >= head_end + 4 + length) {
          answer.status = std::atoi(answer.head.c_str() + answer.head.find(' ') + 1);
          answer.body = pending_.substr(head_end + 4, length);
          pending_.erase(0, head_end + 4 + length);
          return answer;
        }
      }
      const ssize_t n = ::recv(fd_, buffer.data(), buffer.size(), 0);
      if (n > 0) {
        pending_.append(buffer.data(), static_cast<std::size_t>(n));
      } else if (n == 0 || errno == ECONNRESET) {
        return Answer{};
      } else if (errno != EINTR) {
        throw std::runtime_error("the server neither answered nor closed the connection");
      }
    }
  }

 private:
  int fd_ = -1;
  std::string pending_;
};

}  // namespace test_support

// A real nginx (Debian's /usr/sbin/nginx, installed by scripts/bootstrap) in front of a test's
// server: one process (no master, no daemon), its configuration, logs and temporary files in a
// folder of the test's, listening on a free port of 127.0.0.1 and proxying everything to the
// upstream port as production's docs/deploy.md sets it up (X-Forwarded-For appended).
#pragma once

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>

#include "tests/support/files.hpp"

namespace test_support {

// A port of 127.0.0.1 that was free a moment ago.
inline int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    ::close(fd);
    throw std::runtime_error("no free port on 127.0.0.1");
  }
  ::close(fd);
  return ntohs(address.sin_port);
}

inline bool accepts_connections(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  ::close(fd);
  return ok;
}

class Nginx {
 public:
  explicit Nginx(int upstream_port, const std::string& program = "/usr/sbin/nginx")
      : port_(free_port()) {
    const fs::path root = dir_.path();
    write_file(root / "nginx.conf", config(root.string(), port_, upstream_port));
    pid_ = spawn_quiet({program, "-p", root.string(), "-c", (root / "nginx.conf").string(), "-e",
                        (root / "error.log").string()});
    if (pid_ <= 0) throw std::runtime_error("cannot start " + program);
    for (int i = 0; i < 500 && !accepts_connections(port_); ++i) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        throw std::runtime_error("nginx exited at start: " + read_file(root / "error.log"));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  Nginx(const Nginx&) = delete;
  Nginx& operator=(const Nginx&) = delete;
  ~Nginx() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
  }

  int port() const { return port_; }

 private:
  static std::string config(const std::string& root, int port, int upstream) {
    std::string text = R"(daemon off;
master_process off;
worker_processes 1;
pid ROOT/nginx.pid;
error_log ROOT/error.log warn;
events { worker_connections 512; }
http {
  access_log off;
  client_body_temp_path ROOT/body;
  proxy_temp_path ROOT/proxy;
  fastcgi_temp_path ROOT/fastcgi;
  uwsgi_temp_path ROOT/uwsgi;
  scgi_temp_path ROOT/scgi;
  server {
    listen 127.0.0.1:PORT;
    location / {
      proxy_pass http://127.0.0.1:UPSTREAM;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
    }
  }
}
)";
    auto replace = [&](const std::string& from, const std::string& to) {
      for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at)) {
        text.replace(at, from.size(), to);
        at += to.size();
      }
    };
    replace("ROOT", root);
    replace("UPSTREAM", std::to_string(upstream));
    replace("PORT", std::to_string(port));
    return text;
  }

  TempDir dir_;
  int port_;
  pid_t pid_ = -1;
};

}  // namespace test_support

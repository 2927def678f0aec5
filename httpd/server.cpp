#include "httpd/server.hpp"

#include <fmt/format.h>
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <condition_variable>
#include <deque>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include "common/url.hpp"
#include "httpd/multipart.hpp"
#include "httpd/url.hpp"

namespace httpd {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

bool listed(const std::vector<std::string>& addresses, std::string_view address) {
  return std::find(addresses.begin(), addresses.end(), address) != addresses.end();
}

// A fixed set of threads taking jobs from two bounded queues: the priority lane's and everyone
// else's. With threads of its own (`reserved`), the lane's jobs run only on those and the others
// only on the rest, which run at a lower CPU priority (`others_nice`: a smaller share of the
// cores when both want them, not precedence): however long the other jobs run (staff searches,
// uploads), the lane's jobs never queue behind them. Without, every thread takes any waiting
// lane job before the others (strict priority: a steady stream of lane jobs delays the others). A job that finds its queue full is answered 503 by the event loop instead of
// waiting without limit.
class WorkerPool {
 public:
  WorkerPool(int threads, int reserved, int others_nice, std::size_t queue_limit)
      : limit_(queue_limit), separate_(reserved > 0) {
    for (int i = 0; i < std::max(1, threads); ++i) {
      threads_.emplace_back([this, others_nice] {
        if (separate_ && others_nice > 0) lower_priority(others_nice);
        run(false);
      });
    }
    for (int i = 0; i < std::max(0, reserved); ++i) {
      threads_.emplace_back([this] { run(true); });
    }
  }
  ~WorkerPool() { stop(); }

  // False when the job's queue is full or the pool is stopping.
  bool try_post(std::function<void()> job, bool priority) {
    {
      std::lock_guard lock(mutex_);
      std::deque<std::function<void()>>& queue = priority ? lane_ : others_;
      if (stopping_ || queue.size() >= limit_) return false;
      queue.push_back(std::move(job));
    }
    // Without reserved threads, the others take the lane's jobs too.
    if (priority && separate_) {
      lane_ready_.notify_one();
    } else {
      any_ready_.notify_one();
    }
    return true;
  }

  // Jobs waiting for a thread now, in both queues.
  std::uint64_t waiting() const {
    std::lock_guard lock(mutex_);
    return lane_.size() + others_.size();
  }

  // Runs what is queued (or, with `drop_queued`, drops it), then joins. A handler that never
  // returns blocks this.
  void stop(bool drop_queued = false) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_ && threads_.empty()) return;
      stopping_ = true;
      if (drop_queued) {
        lane_.clear();
        others_.clear();
      }
    }
    lane_ready_.notify_all();
    any_ready_.notify_all();
    for (auto& thread : threads_) {
      if (thread.joinable()) thread.join();
    }
    threads_.clear();
  }

 private:
  // Makes the calling thread nicer by `steps` (Linux schedules threads as tasks of their own).
  // Best effort: a thread that cannot be changed keeps the process's priority.
  static void lower_priority(int steps) {
    const auto thread = static_cast<id_t>(::gettid());
    errno = 0;
    const int now = ::getpriority(PRIO_PROCESS, thread);
    if (errno == 0) (void)::setpriority(PRIO_PROCESS, thread, std::min(19, now + steps));
  }

  void run(bool reserved) {
    std::condition_variable& ready = reserved ? lane_ready_ : any_ready_;
    const bool takes_lane = reserved || !separate_;
    const bool takes_others = !reserved;
    while (true) {
      std::function<void()> job;
      {
        std::unique_lock lock(mutex_);
        ready.wait(lock, [&] {
          return stopping_ || (takes_lane && !lane_.empty()) || (takes_others && !others_.empty());
        });
        std::deque<std::function<void()>>& queue =
            takes_lane && (!lane_.empty() || !takes_others) ? lane_ : others_;
        if (queue.empty()) return;  // stopping, and nothing left this thread may take
        job = std::move(queue.front());
        queue.pop_front();
      }
      try {
        job();
      } catch (...) {
        // A job's own handlers catch what they throw; this is the last line before terminate().
      }
    }
  }

  const std::size_t limit_;
  const bool separate_;  // the lane has threads of its own
  mutable std::mutex mutex_;
  std::condition_variable lane_ready_;  // reserved threads wait here
  std::condition_variable any_ready_;   // the others
  std::deque<std::function<void()>> lane_;
  std::deque<std::function<void()>> others_;
  std::vector<std::thread> threads_;
  bool stopping_ = false;
};

struct Counters {
  std::atomic<std::uint64_t> accepted{0};
  std::atomic<std::uint64_t> refused_per_address{0};
  std::atomic<std::uint64_t> refused_total{0};
  std::atomic<std::uint64_t> header_deadline{0};
  std::atomic<std::uint64_t> body_deadline{0};
  std::atomic<std::uint64_t> idle_closed{0};
  std::atomic<std::uint64_t> queue_full{0};
  std::atomic<std::uint64_t> requests{0};
  std::atomic<std::uint64_t> priority_requests{0};
};

class Connection;

// What the connections share with the server: options, handlers, workers, the per-address table.
struct Shared {
  Shared(const ServerOptions& o, Handlers h)
      : options(o),
        handlers(std::move(h)),
        // Without a classifier there is one lane: no threads wait for it, none run nicer.
        workers(o.workers, handlers.priority ? o.priority_workers : 0, o.others_nice,
                o.queue_limit) {}

  const ServerOptions options;
  const Handlers handlers;
  WorkerPool workers;
  Counters counters;

  std::mutex mutex;
  std::condition_variable all_closed;
  std::map<std::string, int, std::less<>> per_address;
  std::map<Connection*, std::weak_ptr<Connection>> open;
  bool stopping = false;               // under mutex
  std::atomic<bool> winding_down{false};  // the same, read without the lock

  // Takes a place for a connection from `address`; false when it has no right to one.
  bool admit(const std::string& address) {
    std::lock_guard lock(mutex);
    if (stopping) return false;
    if (static_cast<int>(open.size()) >= options.max_connections) {
      ++counters.refused_total;
      return false;
    }
    // An uncapped address (a proxy) is not counted: its neighbours in the same /64 keep their share.
    if (!capped(address)) return true;
    const std::string block = address_block(address);
    int& count = per_address[block];
    if (count >= options.max_connections_per_address) {
      if (count == 0) per_address.erase(block);
      ++counters.refused_per_address;
      return false;
    }
    ++count;
    return true;
  }

  bool capped(const std::string& address) const {
    return !listed(options.uncapped_addresses, address) &&
           !listed(options.trusted_proxies, address);
  }

  void release(Connection* connection, const std::string& address) {
    std::lock_guard lock(mutex);
    open.erase(connection);
    if (capped(address)) {
      auto it = per_address.find(address_block(address));
      if (it != per_address.end() && --it->second <= 0) per_address.erase(it);
    }
    if (open.empty()) all_closed.notify_all();
  }
};

// An address as the lists compare it: an IPv4 client of an IPv6 socket (::ffff:10.0.0.5) as
// plain IPv4.
std::string address_text(const asio::ip::address& address) {
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return address.to_v6().to_v4().to_string();
  }
  return address.to_string();
}

// The same for an address typed in the options; unchanged when it does not parse.
std::string address_text(const std::string& text) {
  beast::error_code ec;
  const auto address = asio::ip::make_address(text, ec);
  return ec ? text : address_text(address);
}

// The client behind trusted proxies: X-Forwarded-For lists "client, proxy1, proxy2"; each proxy
// appends the address it heard from, so the rightmost address not a trusted proxy is the first one
// a trusted proxy vouches for (what a client wrote further left can be forged). `peer` when the
// header names no valid address.
std::string forwarded_client(const Headers& headers, const std::vector<std::string>& trusted,
                             const std::string& peer) {
  std::string chain;
  for (const auto& [name, value] : headers) {
    if (beast::iequals(name, "X-Forwarded-For")) chain += (chain.empty() ? "" : ",") + value;
  }
  std::string_view rest = chain;
  while (!rest.empty()) {
    const std::size_t comma = rest.rfind(',');
    std::string_view entry =
        comma == std::string_view::npos ? rest : rest.substr(comma + 1);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(0, comma);
    while (!entry.empty() && (entry.front() == ' ' || entry.front() == '\t')) entry.remove_prefix(1);
    while (!entry.empty() && (entry.back() == ' ' || entry.back() == '\t')) entry.remove_suffix(1);
    beast::error_code ec;
    const auto address = asio::ip::make_address(std::string(entry), ec);
    if (ec) return peer;
    std::string text = address_text(address);
    if (!listed(trusted, text)) return text;
  }
  return peer;
}

// What a handler that threw answers: no details (they are the handler's to log).
Response internal_error() {
  Response response;
  response.status = 500;
  response.set_content("500 Internal Server Error\n", "text/plain; charset=utf-8");
  return response;
}

std::chrono::milliseconds transfer_deadline(const ServerOptions& options, std::uint64_t bytes) {
  const std::size_t rate = std::max<std::size_t>(1, options.min_bytes_per_second);
  const std::uint64_t capped = std::min<std::uint64_t>(bytes, options.max_body_bytes);
  return options.body_grace + std::chrono::milliseconds(capped / rate * 1000);
}

// One client connection: reads a header under its deadline, hands the request to a worker, reads
// the body at the minimum rate when the worker's before_body lets it, writes the answer, and waits
// for the next request (keep-alive) or closes. Everything but the handlers runs on its strand.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(Shared& shared, tcp::socket socket, std::string address, int port)
      : shared_(shared), stream_(std::move(socket)), address_(std::move(address)), port_(port) {}

  ~Connection() { shared_.release(this, address_); }

  void start() {
    {
      std::lock_guard lock(shared_.mutex);
      shared_.open.emplace(this, weak_from_this());
    }
    asio::dispatch(stream_.get_executor(),
                   [self = shared_from_this()] { self->read_header(Clock::now()); });
  }

  // On stop: a connection waiting for a request is closed; one whose request is with a worker
  // finishes it and then closes.
  void close_if_waiting() {
    asio::post(stream_.get_executor(), [self = shared_from_this()] {
      self->stopping_ = true;
      if (self->waiting_) self->close();
    });
  }

 private:
  void read_header(Clock::time_point started) {
    waiting_ = true;
    if (stopping_ || shared_.winding_down) return close();
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(shared_.options.max_header_bytes));
    // The body's limit is set once the header is read, so a refusal can come from before_body,
    // which knows the route's own limit and says it.
    parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
    request_ = Request{};
    stream_.expires_at(started + shared_.options.header_deadline);
    bhttp::async_read_header(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_header(ec); });
  }

  // A kept-alive connection: the next request's first byte within keep_alive_idle, then its whole
  // header within header_deadline.
  void wait_for_next() {
    waiting_ = true;
    if (stopping_ || shared_.winding_down) return close();
    if (buffer_.size() > 0) return read_header(Clock::now());
    stream_.expires_after(shared_.options.keep_alive_idle);
    stream_.async_read_some(
        buffer_.prepare(4096), [self = shared_from_this()](beast::error_code ec, std::size_t n) {
          if (ec) {
            if (ec == beast::error::timeout) ++self->shared_.counters.idle_closed;
            return self->close();
          }
          self->buffer_.commit(n);
          self->read_header(Clock::now());
        });
  }

  void on_header(beast::error_code ec) {
    waiting_ = false;
    if (ec == beast::error::timeout) {
      ++shared_.counters.header_deadline;
      return close();
    }
    if (ec == bhttp::error::header_limit) {

      // 414 when the request line alone is too long, 431 when the header fields are. The parser
      // has taken the request line out of the buffer when it got that far.
      const std::size_t max_target = shared_.options.max_target_bytes;
      const auto target = parser_->get().target();
      if (!target.empty()) return answer_from_server(target.size() > max_target ? 414 : 431);
      const auto data = buffer_.data();
      const std::string_view seen(static_cast<const char*>(data.data()), data.size());
      const std::size_t line_end = seen.find("\r\n");
      return answer_from_server(line_end == std::string_view::npos || line_end > max_target ? 414
                                                                                          : 431);
    }
    if (ec == bhttp::error::end_of_stream || ec == asio::error::eof ||
        ec == asio::error::connection_reset || ec == asio::error::operation_aborted) {
      return close();
    }
    if (ec) {
      if (buffer_.size() == 0) return close();
      return answer_from_server(400);
    }
    const auto& head = parser_->get();
    request_.method = std::string(head.method_string());
    request_.target = std::string(head.target());
    for (const auto& field : head) {
      request_.headers.add(std::string(field.name_string()), std::string(field.value()));
    }
    request_.peer_addr = address_;
    request_.remote_addr = listed(shared_.options.trusted_proxies, address_)
                               ? forwarded_client(request_.headers,
                                                  shared_.options.trusted_proxies, address_)
                               : address_;
    request_.remote_block = address_block(request_.remote_addr);
    request_.remote_port = port_;
    const std::string_view target = request_.target;
    const std::size_t question = target.find('?');
    request_.path = common::percent_decode(target.substr(0, question));
    if (question != std::string_view::npos) {
      request_.params = parse_query(target.substr(question + 1));
    }
    keep_alive_ = head.keep_alive();
    if (request_.target.size() > shared_.options.max_target_bytes) return answer_from_server(414);
    priority_ = in_priority_lane();
    if (priority_) ++shared_.counters.priority_requests;
    if (parser_->is_done()) return dispatch();
    // A body follows: the worker decides first whether it is wanted.
    if (!shared_.handlers.before_body) return read_body();
    const bool queued = shared_.workers.try_post(
        [self = shared_from_this()] {
      Response response;
      bool answered = false;
      try {
        answered = self->shared_.handlers.before_body(self->request_, response);
      } catch (...) {
        response = internal_error();
        answered = true;
      }
      if (answered) {
        self->log(response);
        asio::post(self->stream_.get_executor(), [self, response = std::move(response)]() mutable {
          self->keep_alive_ = false;  // the body was not read
          self->unread_input_ = true;
          self->write(std::move(response));
        });
        return;
      }
      asio::post(self->stream_.get_executor(), [self] { self->read_body(); });
        },
        priority_);
    if (!queued) {
      ++shared_.counters.queue_full;
      answer_from_server(503);
    }
  }

  void read_body() {
    const std::uint64_t limit = shared_.options.max_body_bytes;
    if (parser_->content_length().value_or(0) > limit) {
      unread_input_ = true;
      return answer_from_server(413);
    }
    parser_->body_limit(limit);
    body_started_ = Clock::now();
    body_received_ = 0;
    if (boost::beast::iequals(request_.headers.get("Expect"), "100-continue")) {
      static constexpr std::string_view k_continue = "HTTP/1.1 100 Continue\r\n\r\n";
      stream_.expires_after(shared_.options.body_grace);
      asio::async_write(stream_, asio::buffer(k_continue.data(), k_continue.size()),
                        [self = shared_from_this()](beast::error_code ec, std::size_t) {
                          if (ec) return self->close();
                          self->body_started_ = Clock::now();
                          self->read_some_body();
                        });
      return;
    }
    read_some_body();
  }

  // The body in pieces, each under a deadline that moves with what has arrived: grace plus the
  // bytes so far at the minimum rate. A client that keeps up is never cut off; one that falls
  // behind (or sends nothing) is, however long it said the body would be.
  void read_some_body() {
    const std::size_t rate = std::max<std::size_t>(1, shared_.options.min_bytes_per_second);
    stream_.expires_at(body_started_ + shared_.options.body_grace +
                       std::chrono::milliseconds(body_received_ / rate * 1000));
    bhttp::async_read_some(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t n) {
          self->body_received_ += n;
          if (ec == beast::error::timeout) {
            ++self->shared_.counters.body_deadline;
            return self->close();
          }
          if (ec == bhttp::error::body_limit) {
            self->unread_input_ = true;
            return self->answer_from_server(413);
          }
          if (ec) return self->close();
          if (!self->parser_->is_done()) return self->read_some_body();
          self->request_.body = std::move(self->parser_->get().body());
          self->dispatch();
        });
  }

  // Whether the request goes to the priority lane (Handlers::priority), from its head. A classifier
  // that throws puts it with the others.
  bool in_priority_lane() const {
    if (!shared_.handlers.priority) return false;
    try {
      return shared_.handlers.priority(request_);
    } catch (...) {
      return false;
    }
  }

  void dispatch() {
    const bool queued =
        shared_.workers.try_post([self = shared_from_this()] { self->run(); }, priority_);
    if (!queued) {
      ++shared_.counters.queue_full;
      answer_from_server(503);
    }
  }

  // On a worker.
  void run() {
    Response response;
    bool handled = true;
    if (request_.is_multipart_form_data()) {
      auto parts =
          parse_multipart(request_.body, multipart_boundary(request_.headers.get("Content-Type")));
      if (parts) {
        for (auto& part : *parts) request_.files.emplace(part.name, std::move(part));
      } else {
        response.status = 400;
        response.set_content("400 Bad Request\n", "text/plain; charset=utf-8");
        try {
          if (shared_.handlers.server_error) shared_.handlers.server_error(request_, response);
        } catch (...) {
          // The plain answer above stands.
        }
        handled = false;
      }
    }
    if (handled) {
      try {
        shared_.handlers.handle(request_, response);
      } catch (...) {
        response = internal_error();
      }
    }
    log(response);
    asio::post(stream_.get_executor(), [self = shared_from_this(), response = std::move(
                                                                       response)]() mutable {
      self->write(std::move(response));
    });
  }

  void log(const Response& response) {
    if (!shared_.handlers.log) return;
    try {
      shared_.handlers.log(request_, response);
    } catch (...) {
      // A log line lost is not worth a request.
    }
  }

  // An answer the server makes itself; the connection is closed after it.
  void answer_from_server(int status) {
    if (status != 503) unread_input_ = true;
    Response response;
    response.status = status;
    if (status == 503) response.set_header("Retry-After", "1");
    response.set_content(fmt::format("{} {}\n", status, reason_phrase(status)),
                         "text/plain; charset=utf-8");
    if (shared_.handlers.server_error) {
      try {
        shared_.handlers.server_error(request_, response);
      } catch (...) {
        // The plain answer above stands.
      }
    }
    log(response);
    keep_alive_ = false;
    write(std::move(response));
  }

  void write(Response response) {
    ++shared_.counters.requests;
    if (stopping_ || shared_.winding_down) keep_alive_ = false;
    out_ = {};
    out_.version(11);
    out_.result(static_cast<unsigned>(response.status));
    for (const auto& [name, value] : response.headers) out_.insert(name, value);
    const std::size_t length = response.body.size();
    const bool head_only = request_.method == "HEAD";
    const bool no_body = response.status == 304 || response.status == 204 ||
                         (response.status >= 100 && response.status < 200);
    if (!head_only && !no_body) out_.body() = std::move(response.body);
    if (!no_body) out_.content_length(length);
    out_.keep_alive(keep_alive_);
    stream_.expires_after(transfer_deadline(shared_.options, length));
    bhttp::async_write(stream_, out_,
                       [self = shared_from_this()](beast::error_code ec, std::size_t) {
                         if (ec) return self->close();
                         if (!self->keep_alive_) {
                           return self->unread_input_ ? self->linger_close() : self->close();
                         }
                         self->wait_for_next();
                       });
  }

  // Closing with unread bytes in the socket makes the kernel send a reset, which can destroy the
  // answer before the client reads it (an upload refused for its size). So: end our side, read and
  // drop what the client still sends for a short while, then close.
  void linger_close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.expires_after(std::chrono::seconds(2));
    drain(0);
  }

  void drain(std::size_t drained) {
    static constexpr std::size_t k_max_drained = 4u << 20;
    if (drained > k_max_drained) return close();
    buffer_.consume(buffer_.size());
    stream_.async_read_some(buffer_.prepare(16 * 1024),
                            [self = shared_from_this(), drained](beast::error_code ec,
                                                                 std::size_t n) {
                              if (ec) return self->close();
                              self->buffer_.commit(n);
                              self->drain(drained + n);
                            });
  }

  void close() {
    waiting_ = false;
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.socket().close(ignored);
  }

  Shared& shared_;
  beast::tcp_stream stream_;
  // Bounded: Beast 1.74 limits neither a chunk-size line nor trailers; a full buffer fails the
  // read instead of growing.
  beast::flat_buffer buffer_{shared_.options.max_header_bytes + 64 * 1024};
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  bhttp::response<bhttp::string_body> out_;
  Request request_;
  const std::string address_;
  const int port_;
  bool keep_alive_ = true;
  bool waiting_ = false;   // for a request's header (nothing of it with a worker)
  bool priority_ = false;  // the request in hand goes to the priority lane
  bool stopping_ = false;
  bool unread_input_ = false;  // the client may still be sending what we will not read
  Clock::time_point body_started_;
  std::uint64_t body_received_ = 0;
};

// Lets the process hold as many connections as its hard limit allows (Debian's default soft
// limit, 1024 descriptors, is below what a few hundred slow clients and the desk need).
void raise_descriptor_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = std::min<rlim_t>(limit.rlim_max, 65536);
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

class AsioServer final : public Server {
 public:
  AsioServer(const ServerOptions& options, Handlers handlers)
      : shared_(normalised(options), std::move(handlers)),
        acceptor_(asio::make_strand(io_)),
        retry_(acceptor_.get_executor()),
        guard_(asio::make_work_guard(io_)) {}

  ~AsioServer() override { stop(std::chrono::seconds(30)); }

  static ServerOptions normalised(ServerOptions options) {
    for (auto* list : {&options.uncapped_addresses, &options.trusted_proxies}) {
      for (std::string& address : *list) address = address_text(address);
    }
    return options;
  }

  common::Result<void> listen() {
    const ServerOptions& options = shared_.options;
    beast::error_code ec;
    const auto address = asio::ip::make_address(options.host == "localhost" ? "127.0.0.1"
                                                                            : options.host,
                                                ec);
    if (!ec) {
      const tcp::endpoint endpoint(address, static_cast<unsigned short>(options.port));
      acceptor_.open(endpoint.protocol(), ec);
      if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
      if (!ec) acceptor_.bind(endpoint, ec);
      if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    }
    if (ec) {
      return common::make_error(common::ErrorCode::io_error,
                                fmt::format("cannot listen on {}:{}: {}", options.host,
                                            options.port, ec.message()));
    }
    port_ = acceptor_.local_endpoint().port();
    raise_descriptor_limit();
    accept();
    for (int i = 0; i < std::max(1, options.io_threads); ++i) {
      threads_.emplace_back([this] {
        while (true) {
          try {
            io_.run();
            return;
          } catch (...) {
            // A handler threw (out of memory for one request): that connection is lost, the
            // event loop goes on.
          }
        }
      });
    }
    return {};
  }

  int port() const override { return port_; }

  void stop(std::chrono::milliseconds grace) override {
    if (stopped_.exchange(true)) return;
    shared_.winding_down = true;
    asio::post(acceptor_.get_executor(), [this] {
      beast::error_code ignored;
      acceptor_.close(ignored);
      retry_.cancel();
    });
    std::vector<std::shared_ptr<Connection>> open;
    {
      std::lock_guard lock(shared_.mutex);
      shared_.stopping = true;
      for (auto& [raw, weak] : shared_.open) {
        if (auto connection = weak.lock()) open.push_back(std::move(connection));
      }
    }
    for (auto& connection : open) connection->close_if_waiting();
    open.clear();
    bool all_closed = false;
    {
      std::unique_lock lock(shared_.mutex);
      all_closed =
          shared_.all_closed.wait_for(lock, grace, [this] { return shared_.open.empty(); });
    }
    // Past the grace, what still waits for a worker is dropped (its connection closes unanswered).
    shared_.workers.stop(!all_closed);
    guard_.reset();
    io_.stop();
    for (auto& thread : threads_) {
      if (thread.joinable()) thread.join();
    }
  }

  ServerStats stats() const override {
    const Counters& c = shared_.counters;
    ServerStats s;
    s.accepted = c.accepted;
    s.refused_per_address = c.refused_per_address;
    s.refused_total = c.refused_total;
    s.header_deadline = c.header_deadline;
    s.body_deadline = c.body_deadline;
    s.idle_closed = c.idle_closed;
    s.queue_full = c.queue_full;
    s.requests = c.requests;
    s.priority_requests = c.priority_requests;
    s.waiting_for_worker = shared_.workers.waiting();
    std::lock_guard lock(shared_.mutex);
    s.open_connections = shared_.open.size();
    return s;
  }

 private:
  void accept() {
    acceptor_.async_accept(asio::make_strand(io_), [this](beast::error_code ec,
                                                          tcp::socket socket) {
      if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
      if (ec) {
        // Out of descriptors or memory: wait a little instead of spinning on the error.
        retry_.expires_after(std::chrono::milliseconds(50));
        retry_.async_wait([this](beast::error_code wait_ec) {
          if (!wait_ec) accept();
        });
        return;
      }
      beast::error_code peer_ec;
      const tcp::endpoint peer = socket.remote_endpoint(peer_ec);
      if (!peer_ec) {
        std::string address = address_text(peer.address());
        if (shared_.admit(address)) {
          ++shared_.counters.accepted;
          socket.set_option(tcp::no_delay(true), peer_ec);
          std::make_shared<Connection>(shared_, std::move(socket), std::move(address), peer.port())
              ->start();
        } else {
          socket.close(peer_ec);
        }
      }
      accept();
    });
  }

  mutable Shared shared_;
  asio::io_context io_;
  tcp::acceptor acceptor_;
  asio::steady_timer retry_;
  asio::executor_work_guard<asio::io_context::executor_type> guard_;
  std::vector<std::thread> threads_;
  int port_ = 0;
  std::atomic<bool> stopped_{false};
};

}  // namespace

common::Result<std::unique_ptr<Server>> Server::start(const ServerOptions& options,
                                                      Handlers handlers) {
  auto server = std::make_unique<AsioServer>(options, std::move(handlers));
  if (auto listening = server->listen(); !listening) return listening.error();
  return std::unique_ptr<Server>(std::move(server));
}

}  // namespace httpd

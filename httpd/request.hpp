// An HTTP request as the desk's handlers see it, and the answer they fill in. Plain values: no
// socket, no engine type. Header names compare without case; the path is percent-decoded, the
// query string parsed into `params`, a multipart/form-data body parsed into `files` (by the engine,
// before the handler runs). Not thread-safe by itself; each request belongs to one worker.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace httpd {

// Header fields in arrival order; lookups ignore the case of names.
class Headers {
 public:
  void add(std::string name, std::string value);
  // Replaces every field called `name` with one.
  void set(std::string_view name, std::string value);
  bool has(std::string_view name) const;
  // The first field called `name`, or `fallback`.
  std::string get(std::string_view name, std::string_view fallback = {}) const;
  void erase(std::string_view name);

  auto begin() const { return fields_.begin(); }
  auto end() const { return fields_.end(); }
  std::size_t size() const { return fields_.size(); }

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

// One part of a multipart/form-data body.
struct FormPart {
  std::string name;          // the form field
  std::string filename;      // "" for a plain field
  std::string content_type;  // "" when the part names none
  std::string content;
};

struct Request {
  std::string method;  // upper case as sent ("GET", "POST")
  std::string target;  // as sent: path and query
  std::string path;    // percent-decoded, without the query
  Headers headers;
  std::multimap<std::string, std::string, std::less<>> params;  // query string
  std::string body;
  std::multimap<std::string, FormPart, std::less<>> files;  // multipart/form-data parts by name
  std::string remote_addr;  // the client's address (behind a trusted proxy: as the proxy says)
  std::string peer_addr;    // the address of the TCP peer (the proxy's, behind one)
  // What limits per client count on: address_block(remote_addr).
  std::string remote_block;
  int remote_port = 0;
  // The router's captures: [0] the whole path, then one per `<...>` segment of the route.
  std::vector<std::string> matches;

  bool has_header(std::string_view name) const { return headers.has(name); }
  std::string get_header_value(std::string_view name) const { return headers.get(name); }
  bool has_param(std::string_view name) const { return params.find(name) != params.end(); }
  // The first value of query parameter `name`, or "".
  std::string get_param_value(std::string_view name) const;
  bool is_multipart_form_data() const;
  bool has_file(std::string_view name) const { return files.find(name) != files.end(); }
  // The first part called `name` (an empty part when there is none).
  FormPart get_file_value(std::string_view name) const;
};

struct Response {
  int status = 200;
  Headers headers;
  std::string body;

  void set_header(std::string_view name, std::string value) {
    headers.set(name, std::move(value));
  }
  bool has_header(std::string_view name) const { return headers.has(name); }
  std::string get_header_value(std::string_view name) const { return headers.get(name); }
  void set_content(std::string content, std::string content_type) {
    body = std::move(content);
    headers.set("Content-Type", std::move(content_type));
  }
};

// The standard reason phrase of an HTTP status ("Not Found"), "" for an unknown one.
std::string_view reason_phrase(int status);

// The block of addresses one client is taken to hold, for limits per client: an IPv4 address
// itself; an IPv6 address's /64 ("2001:db8:1:2::/64"), since a subscriber is given at least a
// /64 and could otherwise change address at every connection. Text that is no address is
// returned as it is.
std::string address_block(std::string_view address);

}  // namespace httpd

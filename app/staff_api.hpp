// The staff side of `hoso serve`: login and sessions, the officers' dossier API,
// the mailroom's uploads and manual queue, dispatch, reports, and the admin's users and API tokens
// (docs/api.md). Every route checks who is asking (session cookie with a CSRF header on changes, or
// a scanning station's bearer token) and what their role allows, then calls intake/, tracking/ or
// staff/ and renders JSON. Internal to app/; the logic lives in the libraries.
#pragma once

#include "httpd/request.hpp"
#include "httpd/router.hpp"

#include <memory>

#include "app/desk_server.hpp"

namespace app {

class StaffApi {
 public:
  StaffApi(const DeskParts& parts, const ServerOptions& options);
  ~StaffApi();

  void add_routes(httpd::Router& router);

  // Runs before a request's body is read: refuses bodies over the limits, and uploads from anyone
  // not allowed to upload, without reading them. True when it answered (the body is not read).
  bool before_body(const httpd::Request& req, httpd::Response& res);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace app

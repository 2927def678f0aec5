// The citizen's lookup links, printed as QR codes: they open the public lookup page (`/tra-cuu`)
// pre-filled. They carry the dossier code or a tracking number and, on the receipt only, the lookup
// code; never personal data.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace tracking {

// "<public_url>/tra-cuu?ma=<code>&mk=<lookup_code>", each value percent-encoded (RFC 3986
// unreserved characters kept), one '/' between the base and the path however the base ends.
// Carries the secret lookup code: only for the receipt (form 01), which the citizen keeps.
std::string public_lookup_url(std::string_view public_url, std::string_view code,
                              std::string_view lookup_code);

// "<public_url>/tra-cuu?ma=<code>", encoded and joined as public_lookup_url, without the lookup
// code: the page asks for it. For what others see, such as the return label on an envelope.
std::string public_lookup_page_url(std::string_view public_url, std::string_view code);

// What is wrong with `url` as the desk's public address, printed for citizens: nothing when it is
// an http(s) address of a host a phone can reach. An error (conflict, in words for the desk) when
// it is unset, not an http(s) address with a host, or a loopback/unspecified host (localhost,
// 127.0.0.0/8, ::1, 0.0.0.0) unless `local_ok` (a trial desk: `hoso demo`).
std::optional<common::Error> public_url_problem(std::string_view url, bool local_ok);

// True when `url`'s host is a loopback or unspecified address, or names the local machine.
bool public_url_is_loopback(std::string_view url);

}  // namespace tracking

// The citizen's lookup links, printed as QR codes: they open the public lookup page (`/tra-cuu`)
// pre-filled. They carry the dossier code or a tracking number and, on the receipt only, the lookup
// code; never personal data.
#pragma once

#include <string>
#include <string_view>

namespace tracking {

// "<public_url>/tra-cuu?ma=<code>&mk=<lookup_code>", each value percent-encoded (RFC 3986
// unreserved characters kept), one '/' between the base and the path however the base ends.
// Carries the secret lookup code: only for the receipt (form 01), which the citizen keeps.
std::string public_lookup_url(std::string_view public_url, std::string_view code,
                              std::string_view lookup_code);

// "<public_url>/tra-cuu?ma=<code>", encoded and joined as public_lookup_url, without the lookup
// code: the page asks for it. For what others see, such as the return label on an envelope.
std::string public_lookup_page_url(std::string_view public_url, std::string_view code);

}  // namespace tracking

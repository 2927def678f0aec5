// The citizen's lookup link printed as a QR on receipts (form 01) and return labels: it opens the
// public lookup page (`/tra-cuu`) pre-filled. Carries the dossier code or a tracking number and the
// lookup code from the receipt; never personal data.
#pragma once

#include <string>
#include <string_view>

namespace tracking {

// "<public_url>/tra-cuu?ma=<code>&mk=<lookup_code>", each value percent-encoded (RFC 3986
// unreserved characters kept), one '/' between the base and the path however the base ends.
std::string public_lookup_url(std::string_view public_url, std::string_view code,
                              std::string_view lookup_code);

}  // namespace tracking

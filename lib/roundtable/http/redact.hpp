// Masking a secret (an API key) where it travels: in header values and URL query
// strings, and in one-line messages that may quote a request. A secret is masked
// only where its exact value stands whole (a header's or query parameter's whole
// value, or a token not joined to letters, digits, '-' or '_'), so a short key
// never eats text that merely contains it ("x" leaves "max_tokens" alone).
// Bodies are never masked: what we send in them holds no key.
//
// Pure functions; thread-safe.
#pragma once

#include <roundtable/http/client.hpp>
#include <string>
#include <string_view>

namespace roundtable::http {

// The text that stands for a masked secret.
inline constexpr std::string_view k_redacted = "<redacted>";

// Returns whether a header named `name` (any case) carries a credential: authorization,
// proxy-authorization, x-api-key, api-key or x-goog-api-key; never fails.
bool is_secret_header(std::string_view name);

// Returns `text` with every whole-token occurrence of `secret` replaced by "<redacted>";
// returns `text` unchanged when `secret` is empty. Never fails.
std::string redact_token(std::string text, std::string_view secret);

// Returns `value` for a header named `name`: "<redacted>" for a credential header, else with
// `secret` masked as redact_token() does; never fails.
std::string redact_header(std::string_view name, std::string value, std::string_view secret);

// Returns `url` with the value of every query parameter equal to `secret` (as written or
// percent-decoded) replaced by "<redacted>"; the path and other parameters are unchanged.
// Never fails.
std::string redact_url(std::string url, std::string_view secret);

} // namespace roundtable::http

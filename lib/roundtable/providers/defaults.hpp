// Per-provider defaults that config/ and the factory share: the base URL and
// the environment variable holding the key.
//
// Pure functions; thread-safe.
#pragma once

#include <string_view>

namespace roundtable::providers {

// Returns the default base URL of `provider` ("https://api.openai.com/v1", ...);
// returns "" for openai-compatible, offline and unknown names.
std::string_view default_base_url(std::string_view provider);

// Returns `base_url`, or `provider`'s default when it is empty: the server a seat talks to.
std::string_view base_url_or_default(std::string_view provider, std::string_view base_url);

// Returns the environment variable that holds `provider`'s key (ANTHROPIC_API_KEY,
// OPENAI_API_KEY, GEMINI_API_KEY, XAI_API_KEY); returns "" for the others.
std::string_view default_key_env(std::string_view provider);

// Returns the variable tried when `key_env` is unset or empty: GOOGLE_API_KEY
// for GEMINI_API_KEY, "" otherwise.
std::string_view fallback_key_env(std::string_view key_env);

} // namespace roundtable::providers

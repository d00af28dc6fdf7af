// Content hashes (SHA-256, from nettle). Thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace roundtable::util {

// Returns the lowercase hex SHA-256 of `data`.
std::string sha256_hex(std::string_view data);

// Returns the first 8 bytes of SHA-256 of `data` as an integer (stable across runs and machines).
std::uint64_t stable_hash64(std::string_view data);

} // namespace roundtable::util

// Human-readable quantities for messages and flags: sizes in bytes and
// durations in seconds, formatted for people and parsed from them. Pure
// functions, thread-safe.
#pragma once

#include <cstdint>
#include <expected>
#include <string>
#include <string_view>

namespace roundtable::util {

// Formats a byte count for people: "512 bytes", "1 byte", "4.0 KiB", "2.5 MiB",
// "1.2 GiB" (binary units, one decimal); never fails.
std::string format_size(std::uint64_t bytes);

// Parses a size such as "200M", "1G", "512k", "1.5GiB", "300MB" or "4096" (bytes):
// K, M, G and T are binary units (KiB, MiB, ...), case-insensitive, with an
// optional "B" or "iB"; returns an error saying what was expected for anything
// else, a negative number, or a size of 2^62 bytes or more.
std::expected<std::uint64_t, std::string> parse_size(std::string_view text);

// Parses a duration such as "7d", "12h", "30m", "90s" or "2w" into seconds
// (a number, possibly fractional, then one unit); returns an error saying what
// was expected for a missing unit, a negative number or one over 100 years.
std::expected<std::int64_t, std::string> parse_duration(std::string_view text);

} // namespace roundtable::util

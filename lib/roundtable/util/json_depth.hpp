// A bound on the nesting of JSON text read from outside (model replies,
// provider responses, JSONL input lines), checked before nlohmann/json parses
// it: a reply of a million '[' must be refused, not recursed into. Scans bytes
// only (no JSON library here); pure functions, thread-safe.
#pragma once

#include <cstddef>
#include <string_view>

namespace roundtable::util {

// The deepest nesting of arrays and objects accepted in JSON from outside; a
// model's reply needs 3, a provider's response under 10.
inline constexpr std::size_t k_max_json_depth = 64;

// Returns the deepest nesting of [ and { in `text`, brackets inside strings (with
// their escapes) not counted, stopping early once it exceeds `stop_after`; never
// fails (unbalanced text is measured as far as it goes).
std::size_t json_depth(std::string_view text, std::size_t stop_after = k_max_json_depth) noexcept;

// Returns whether `text` nests arrays and objects at most k_max_json_depth deep.
inline bool json_depth_ok(std::string_view text) noexcept {
    return json_depth(text) <= k_max_json_depth;
}

} // namespace roundtable::util

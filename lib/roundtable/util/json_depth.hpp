// JSON text from outside (model replies, provider responses, JSONL input lines,
// a page's JSON-LD) scanned as bytes before a parser sees it: how deep it nests
// (a bound checked before nlohmann/json parses it: a reply of a million '[' must
// be refused, not recursed into) and where a bracketed value ends. Both are aware
// of string literals and their escapes. No JSON library here; pure functions,
// thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace roundtable::util {

// The deepest nesting of arrays and objects accepted in JSON from outside; a
// model's reply needs 3, a provider's response under 10.
inline constexpr std::size_t k_max_json_depth = 64;

// Follows a scan of JSON text byte by byte, telling the bytes of string literals apart.
class JsonStrings {
public:
    // Takes the next byte; returns whether it belongs to a string literal (its quotes
    // included), where brackets and commas mean nothing. Never fails.
    constexpr bool inside(char c) noexcept {
        if (m_in) {
            if (m_escaped) {
                m_escaped = false;
            } else if (c == '\\') {
                m_escaped = true;
            } else if (c == '"') {
                m_in = false;
            }
            return true;
        }
        m_in = c == '"';
        return m_in;
    }

private:
    bool m_in = false;
    bool m_escaped = false;
};

// Returns the deepest nesting of [ and { in `text`, brackets inside strings (with
// their escapes) not counted, stopping early once it exceeds `stop_after`; never
// fails (unbalanced text is measured as far as it goes).
std::size_t json_depth(std::string_view text, std::size_t stop_after = k_max_json_depth) noexcept;

// Returns whether `text` nests arrays and objects at most k_max_json_depth deep.
inline bool json_depth_ok(std::string_view text) noexcept {
    return json_depth(text) <= k_max_json_depth;
}

// Returns the end (one past its closing bracket) of the object or array that opens at
// `open`, brackets inside strings not counted; nullopt when the text ends first or no
// '{' or '[' is at `open`.
std::optional<std::size_t> balanced_end(std::string_view text, std::size_t open) noexcept;

} // namespace roundtable::util

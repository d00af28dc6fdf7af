// Small text helpers shared by the parsers of config, headers, replies and CSV rows, and by
// everything that shows text from outside.
// Pure functions on bytes (UTF-8 text passes through untouched, but for the C1 controls that
// one_line and drop_controls remove); thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace roundtable::util {

// The ASCII whitespace bytes: space, tab, newline, carriage return, form feed, vertical tab.
inline constexpr std::string_view k_ascii_space = " \t\n\r\f\v";

// Returns `text` without its leading and trailing bytes from `space`; never fails.
constexpr std::string_view trim(std::string_view text,
                                std::string_view space = k_ascii_space) noexcept {
    const auto first = text.find_first_not_of(space);
    if (first == std::string_view::npos) {
        return {};
    }
    return text.substr(first, text.find_last_not_of(space) - first + 1);
}

// Returns `text` on one line: every control character (C0 bytes such as line breaks, tabs and
// escapes, DEL, and the C1 controls U+0080..U+009F) becomes a space, so text from outside cannot
// break a one-line message or steer a terminal; never fails.
std::string one_line(std::string_view text);

// Returns `text` without its control characters: C0 bytes other than tab, line feed and carriage
// return, DEL, and the C1 controls U+0080..U+009F (C2 80..C2 9F in UTF-8). Text a model or a page
// wrote keeps its words, and no escape sequence in it reaches a terminal; never fails.
std::string drop_controls(std::string_view text);

} // namespace roundtable::util

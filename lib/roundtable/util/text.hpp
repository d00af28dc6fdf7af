// Small text helpers shared by the parsers of config, headers, replies and CSV rows.
// Pure functions on bytes (ASCII whitespace only: UTF-8 text passes through untouched);
// thread-safe.
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

// Returns `text` on one line: every ASCII control byte (line breaks, tabs, escapes, DEL) becomes
// a space, so text from outside cannot break a one-line message or steer a terminal; never fails.
inline std::string one_line(std::string text) {
    for (char& c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte == 0x7F) {
            c = ' ';
        }
    }
    return text;
}

} // namespace roundtable::util

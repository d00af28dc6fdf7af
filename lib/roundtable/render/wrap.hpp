// Word wrapping of UTF-8 text for the terminal renderer.
//
// Widths are counted in terminal columns per code point (wide East Asian
// characters take two, combining marks none); ANSI escape sequences
// ("ESC [ ... letter") take no room and are never split. Malformed UTF-8 bytes
// count one column each. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace roundtable::render {

// Returns the number of terminal columns `text` takes; never fails.
std::size_t display_width(std::string_view text);

// Returns the byte length of the code point (or escape sequence) starting at
// `text[pos]`: 1 for a malformed byte, 0 only when `pos` is at the end.
std::size_t unit_length(std::string_view text, std::size_t pos);

// Wraps `text` (whitespace runs, line breaks included, collapse to one space) into
// lines of at most `width` columns, the first starting with `first_indent`, the others
// with `rest_indent`. A word longer than a line is cut between code points, never
// inside one. Lines carry no trailing spaces; returns no lines for blank text.
std::vector<std::string> wrap(std::string_view text, int width, std::string_view first_indent = {},
                              std::string_view rest_indent = {});

// Returns `text` with trailing spaces removed from every line; never fails.
std::string trim_line_ends(std::string_view text);

} // namespace roundtable::render

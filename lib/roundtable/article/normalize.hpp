// Whitespace normalization of article text and the plain-text title rule.
//
// Normalization touches whitespace and control characters only -- quotes, dashes
// and every other character pass through unchanged, so quotes taken from the text stay verbatim
// and the card stays reproducible. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace roundtable::article {

// Returns `text` (valid UTF-8) with CRLF and CR turned into LF, U+2028 into LF and
// U+2029 into a blank line, tabs, FF, VT, NBSP and other Unicode space separators
// into ' ', runs of spaces collapsed, spaces trimmed at line ends and starts, runs of
// blank lines reduced to one, blank lines at both ends removed, and the other control
// characters (C0, DEL, C1: U+0080..U+009F) removed, so no escape sequence from outside
// reaches a terminal; never fails.
std::string normalize_text(std::string_view text);

// Returns `text` on a single line: every whitespace run (line breaks included) becomes
// one ' ', ends trimmed; for titles. Never fails.
std::string normalize_line(std::string_view text);

// Returns the title of normalized plain `text`: its first line when that line is at
// most 120 code points and either is followed by a blank line (or ends the text) or
// does not end like a sentence ('.') or a wrapped clause (',' ';'); a leading Markdown
// "# " is dropped. Returns "" when the first line is not a title.
std::string plain_text_title(std::string_view text);

} // namespace roundtable::article

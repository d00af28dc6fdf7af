// Byte-level checks and repairs of article input: the UTF-8 byte order mark,
// binary sniffing, invalid UTF-8 replaced with U+FFFD (via utf8proc), and code
// point counting. Pure functions over their arguments; thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace roundtable::article {

// Returns `bytes` without a leading UTF-8 byte order mark (EF BB BF); never fails.
std::string_view strip_bom(std::string_view bytes) noexcept;

// Returns why `bytes` look binary rather than text, judged on the first 64 KiB:
// "NUL bytes", "UTF-16 byte order mark", or "N% control bytes" when more than 10% are
// control bytes other than tab, CR, LF, FF and ESC; returns nullopt for text.
std::optional<std::string> binary_reason(std::string_view bytes);

struct Utf8Repair {
    std::string text;         // valid UTF-8
    std::size_t replaced = 0; // invalid sequences replaced with U+FFFD
};

// Returns `bytes` as valid UTF-8, each maximal invalid subsequence (Unicode's
// "maximal subpart" rule) replaced by one U+FFFD; never fails.
Utf8Repair repair_utf8(std::string_view bytes);

// Returns the character encoding an HTML or XML page declares in its first 4 KiB
// (<meta charset>, <meta http-equiv="content-type" content="...; charset=...">, or
// an <?xml encoding="..."?> declaration), lower-cased, e.g. "windows-1252"; "" when
// it declares none. Never fails.
std::string declared_charset(std::string_view page);

// Returns `bytes` converted from `charset` to UTF-8 with the system's iconv
// (ISO-8859-1 and US-ASCII are read as windows-1252, as browsers do); returns nullopt
// if the charset is unknown or the bytes are not valid in it.
std::optional<std::string> to_utf8(std::string_view bytes, std::string_view charset);

// Returns the number of code points in `text`, which must be valid UTF-8.
std::size_t count_code_points(std::string_view text) noexcept;

} // namespace roundtable::article

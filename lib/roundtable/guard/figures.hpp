// Figures: the tokenizer under the grounding guard (grounding.hpp says what
// the guard counts as found; this file says how a text is read).
//
// normalize() puts a text in the form both sides of a comparison are matched
// in: ASCII lower case, whitespace runs as one space, straight quotes, '-'
// for every dash, and every number in one spelling (thousands separators
// dropped, a decimal comma read as a point). scan() then walks a normalized
// text once, left to right, and reports each figure, range, date, identifier
// and quoted phrase with its value and unit.
//
// Pure functions; thread-safe. Every function here is linear in its input:
// each byte is looked at a bounded number of times, whatever the text holds.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace roundtable::guard {

enum class FigureKind : std::uint8_t { plain, percent, money };

// How a figure's unit was written. Values keep one base per kind: percent
// points for percentages, main currency units for money.
enum class Unit : std::uint8_t {
    none,         // a bare number: "41", "36.6 million", "twelve"
    percent,      // "%", "per cent", "percent", "pct", "pc", "percentage points"
    basis_points, // "bp", "bps", "basis points": 150 bp is 1.5 percent
    fraction,     // "a fifth", "one in five", "half of", "doubled" (as percent)
    major,        // a currency: "$", "EUR", "euros", "£"
    minor,        // pence or cents: 142p is 1.42 pounds
};

// One number as written, with what was written around it.
struct Mention {
    FigureKind kind = FigureKind::plain;
    Unit unit = Unit::none;
    double raw = 0;         // the number as written: 36.6 in "$36.6M", 142 in "142p"
    double scale = 1;       // its magnitude: 1e6 in "$36.6M"
    double factor = 1;      // its unit: 0.01 for pence, cents and basis points
    bool magnitude = false; // a magnitude was written ("m", "bn", "million")
    bool spelled = false;   // written in words ("three million", "a fifth")
    char currency = 0;      // '$', 'E', 'L', 'Y', 'F', 'R', 'I', 'K', or 0 when unknown
    int decimals = 0;
    int significant = 1;
    std::size_t begin = 0; // span in the normalized text
    std::size_t end = 0;

    // Returns the value in its kind's base unit (36600000 for "$36.6M").
    double value() const { return raw * scale * factor; }
};

struct Date {
    int year = 0; // 0 when not given
    int month = 0;
    int day = 0; // 0 when not given
};

enum class TokenType : std::uint8_t { figure, range, date, quote, identifier };

struct Token {
    TokenType type = TokenType::figure;
    Mention first;          // figures, ranges; the number inside an identifier
    Mention second;         // ranges only
    Date date;              // dates
    Date alternative;       // the other reading of "04/05/2025"; month 0 when none
    std::string key;        // identifiers: lower case, hyphens dropped ("slv208")
    std::size_t family = 0; // identifiers: length of the key's leading letters ("slv")
    std::size_t begin = 0;  // span in the normalized text
    std::size_t end = 0;
};

// Where each byte of a normalized text came from in its source: kept as the
// points where the offset between the two changes, so plain ASCII prose
// costs next to nothing however long it is.
class SourceMap {
public:
    // Returns the offset in the source of what produced normalized byte
    // `normalized` (the source's size for the normalized text's size); never fails.
    std::size_t source(std::size_t normalized) const;

    // Records that normalized byte `normalized` came from source byte `from`.
    void add(std::size_t normalized, std::size_t from);

private:
    struct Point {
        std::uint32_t normalized;
        std::uint32_t source;
    };
    std::vector<Point> m_points; // sorted by normalized offset
    // Where the last look-up ended: look-ups in text order cost O(1) each. A
    // SourceMap belongs to one normalization on one thread.
    mutable std::size_t m_hint = 0;
};

// Returns `src` normalized for matching (see the header comment); a decimal
// comma becomes '.', thousands separators (',', '.', "'", no-break and thin
// spaces between groups of three digits) are dropped, and a number whose
// separators fit no one reading is left as written. One space stands for each
// whitespace run, line breaks included. When `map` is given, it is filled
// with where each byte came from; when `line_starts` is, with the offset of
// every byte that follows a line break. Never fails.
std::string normalize(std::string_view src, SourceMap* map = nullptr,
                      std::vector<std::uint32_t>* line_starts = nullptr);

// Returns `normalized` with every ASCII character that is not a letter or
// digit as a space, runs collapsed, padded with one space on each side; never fails.
std::string loosen(std::string_view normalized);

struct ScanOptions {
    bool quotes = false; // report quoted phrases of three or more words
    bool words = false;  // read numbers in words ("three million", "a fifth", "third quarter")
    // Where lines start (from normalize), for list markers ("1." at a line
    // start is not a figure); nullptr: only the text's start.
    const std::vector<std::uint32_t>* line_starts = nullptr;
};

// Calls `on_token` for every figure, range, date, identifier and (with
// `options.quotes`) quoted phrase of the normalized text `t`, in order.
// Never fails.
void scan(std::string_view t, ScanOptions options,
          const std::function<void(const Token&)>& on_token);

} // namespace roundtable::guard

// Grounding: are the figures, dates and quotes in a seat's output in the
// article? (DESIGN §5.2)
//
// extract_claims finds what a reader could check in an output text: money
// amounts, percentages, figures, ranges, dates, years, identifiers and quoted
// phrases. A GroundingIndex is built once per article and answers, for each
// claim, whether the article holds it and how (the Match, shown on the card).
// The rule: a figure the article contains counts as found, whatever role it
// plays there and however either side writes it; an invented figure, a
// changed one, or one with a magnitude the article does not give, does not.
//
// Found (and the Match reported):
//  - exact_text: the claim as written is a figure, date or identifier of the
//    article, after normalization (case, whitespace, quotes and dashes,
//    thousands separators, a decimal comma: "52,4 %" is "52.4 %").
//  - normalized_number: the same value and unit written another way:
//    "$36.6 million" / "$36.6M" / "36.6 million dollars" / "$36,600,000";
//    "19 per cent" / "19%" / "19pc"; "€3.1 billion" / "3.1bn euros" /
//    "EUR 3.1 bn" / "EUR3.1bn"; a number the article spells ("three million");
//    "12,480" for the article's "12.480" (a dot and three decimals is read
//    both as a decimal point and as a euro-area thousands separator).
//  - normalized_date: the same date in another format: "March 3, 2025" /
//    "3 March 2025" / "2025-03-03" / "03/03/2025" (an ambiguous numeric date
//    counts in both readings; "29.04.2025" is day first).
//  - without_unit: a bare number the article gives with a unit: "41" or
//    "41 million" for "£41m", "19" for "19%".
//  - equivalent_unit: a conversion: "£1.42" for "142p" and "$0.50" for
//    "50 cents"; "1.5 percentage points" for "150 basis points"; "20%" for
//    "a fifth", "one in five"; "50%" for "half of" or "halved"; "100%" for
//    "doubled".
//  - rounded_number: a figure rounded from the article's, with two or more
//    significant digits: "$37 million" for "$36.6 million", "33%" for "a
//    third". One significant digit ("$2 million") must be exact.
//  - date_part: a number found only inside one of the article's dates: "29"
//    for "the quarter ended April 29", "2025" for "March 3, 2025"; also a
//    month-year or month-day date inside a full one ("March 2025").
//  - identifier: an identifier the article holds, hyphens aside ("SLV-208",
//    "slv208"; "Q3" for "third quarter", "H1" for "first half", "FY25" for
//    "fiscal 2025"), or a bare number found only inside one ("208").
//  - exact_text / loose_text for quotes and evidence: a quoted phrase must be
//    in the article after normalization; an ellipsis joins fragments that
//    must occur in order; evidence quotes may also differ in punctuation.
// A range is found when both its ends are ("18% to 22%", "$3-4 billion",
// "5-10 %", "between 5 and 10 per cent"); a number inside one of the
// article's ranges is found on its own.
//
// Not found: a changed figure ("$36.7 million"), one made more precise
// ("$36.62 million"), another currency ("€36.6 million" for "$36.6
// million"), a magnitude the article does not give ("$400.3" or "$400.3
// billion" for "$400.3 million"), a percentage for a bare number.
//
// Identifiers are letters joined to digits ("Q3", "A320", "FY2025",
// "SLV-208", "grok-4", "COVID-19") and index names ("S&P 500"): they are
// matched as text, never as numbers. One whose family (its leading letters)
// the article never uses is not a claim and is skipped ("grok-4" in an
// article about trucks); one whose family the article uses but whose number
// differs is flagged ("SLV-209" when the article has "SLV-208"). Words before
// a hyphen such as "mid-", "pre-" and "top-" make a figure, not an
// identifier ("mid-2025" is the year 2025).
//
// Wire-service forms are read: "EUR 5.1 mn", "EUR21m", "USD 36.8 m", and a
// currency amount broken by a stray space before its decimal point
// ("EUR1 .2 m" is EUR 1.2 million, in the article and in outputs alike).
//
// Skipped as trivial, so never flagged: whole numbers 0-10 written without a
// unit ("3 reasons"), list markers ("1." or "2)" at a line start), numbers
// glued to a word that starts with a digit (2nd, 5G, 1990s, 3Q25), times
// (10:30) and dotted versions (1.2.3). Numbers in words are read in the
// article only: an output's "three million" is not checked.
//
// Building the index is O(n log n) in the article's size; each look-up is
// O(log n). A GroundingIndex is immutable after construction: its const
// members may be called from several threads at once. Free functions are pure.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace roundtable::guard {

struct Claim {
    enum class Kind { number, percent, money, date, year, range, quote, evidence, identifier };
    Kind kind = Kind::number;
    std::string text; // as written in the output (quotes keep their quote marks)
};

// How a claim was found in the article (see the header comment).
enum class Match {
    not_found,
    exact_text,
    normalized_number,
    normalized_date,
    without_unit,
    equivalent_unit,
    rounded_number,
    date_part,
    identifier,
    loose_text,
};

// Returns the name of `kind` as the card writes it ("number", "percent", ...); never fails.
std::string_view kind_name(Claim::Kind kind);

// Returns the name of `match` as the card writes it ("exact_text", "date_part", ...);
// never fails.
std::string_view match_name(Match match);

// One checked claim: how it matched, and the article's text it matched.
struct Finding {
    Claim claim;
    Match match = Match::not_found;
    std::string article; // the article's figure, date or identifier; empty for quotes
};

// The most claims and evidence quotes one check() looks up; those past it are
// counted in GroundingReport::skipped, not looked up (README, "Bounds").
inline constexpr std::size_t k_max_claims_checked = 200;

// The result of checking one output text against an article.
struct GroundingReport {
    std::size_t checked = 0;       // claims and evidence quotes looked up
    std::size_t skipped = 0;       // past k_max_claims_checked, not looked up
    std::vector<Claim> ungrounded; // those not found, in output order, no duplicates
    std::vector<Finding> findings; // every claim looked up, in output order, no duplicates
};

// Returns the checkable claims in `output_text`, in order (identifiers
// included, whether or not an article would check them); returns an empty
// list when there are none.
std::vector<Claim> extract_claims(std::string_view output_text);

class GroundingIndex {
public:
    // Builds the index of `article` (its normalized text and the figures,
    // dates and identifiers it mentions); never fails.
    explicit GroundingIndex(std::string_view article);

    // Returns whether every figure in `figure` ("$36.6M", "12 per cent",
    // "18% to 22%", "March 3, 2025", "2025", "SLV-208") is in the article;
    // returns false when `figure` holds no figure.
    bool contains_number(std::string_view figure) const;

    // Returns whether `quote` occurs in the article after normalization (case,
    // whitespace, curly quotes, dashes); an ellipsis joins fragments that must
    // occur in order; false for a quote with no words.
    bool contains_quote(std::string_view quote) const;

    // Returns whether the evidence quote `quote` is in the article like
    // contains_quote, but also ignoring punctuation; false when it is not.
    bool contains_evidence(std::string_view quote) const;

    // Returns whether `claim` is in the article (by its kind); false when not.
    bool contains(const Claim& claim) const;

    // Returns how `claim` is found in the article; Match::not_found when it is not.
    Finding find(const Claim& claim) const;

    // Checks the claims of `output_text` and then the evidence quotes, at most
    // k_max_claims_checked of them (the rest are counted as skipped); never fails.
    GroundingReport check(std::string_view output_text,
                          const std::vector<std::string>& evidence = {}) const;

    // Returns the claims (as written) of `output_text`, and the evidence
    // quotes, not found in the article; empty when all are grounded.
    std::vector<std::string> ungrounded(std::string_view output_text,
                                        const std::vector<std::string>& evidence = {}) const;

private:
    // One value the article mentions, and where (offsets into the article).
    struct Entry {
        double value = 0;
        std::uint32_t begin = 0;
        std::uint16_t length = 0;
        std::uint8_t unit = 0; // a figures.hpp Unit
        bool part = false;     // derived from a larger date
    };

    // A run of the normalized article (a figure's text) and where it came from.
    struct Text {
        std::uint64_t hash = 0;  // of the run's bytes
        std::uint32_t begin = 0; // in the normalized article
        std::uint32_t end = 0;
        std::uint32_t source_begin = 0; // in the article
        std::uint32_t source_end = 0;
    };

    // An identifier the article holds ("slv208").
    struct Identifier {
        std::string key;
        std::uint32_t begin = 0;
        std::uint32_t end = 0;
    };

    std::string m_source;          // the article as given
    std::string m_text;            // normalized article
    std::string m_loose;           // normalized, punctuation as spaces, padded with spaces
    std::vector<Text> m_texts;     // figures' normalized texts, sorted by hash
    std::vector<Entry> m_raw;      // every figure as written (36.6 for $36.6M)
    std::vector<Entry> m_percents; // percentages (12 for 12%; 1.5 for 150 bp)
    std::array<std::vector<Entry>, 9> m_by_currency; // money and figures in base units
                                                     // (36600000), by currency, unknown first
    std::vector<Entry> m_date_parts;                 // days and years inside dates
    std::vector<Entry> m_identifier_parts;           // numbers inside identifiers
    std::vector<Entry> m_dates;                      // yyyymmdd, yyyymm00 of every date with a year
    std::vector<Entry> m_month_days;                 // mmdd of every date with a day
    std::vector<Identifier> m_identifiers;           // sorted by key
    std::vector<std::string> m_families;             // identifiers' leading letters, sorted, unique

    friend struct IndexAccess;
};

} // namespace roundtable::guard

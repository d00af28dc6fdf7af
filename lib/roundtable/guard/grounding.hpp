// Grounding: are the figures, dates and quotes in a seat's output in the
// article? (DESIGN §5.2)
//
// extract_claims finds what a reader could check in an output text: money
// amounts, percentages, figures, ranges, dates, years and quoted phrases.
// A GroundingIndex is built once per article and answers, for each claim,
// whether the article holds it, however it is written there: "$36.6 million",
// "$36.6M", "36.6 million dollars" and "$36,600,000" are one value; "12%",
// "12 percent" and "12 per cent" are one percentage; "March 3, 2025",
// "3 March 2025" and "2025-03-03" are one date. A figure rounded from one in
// the article (two or more significant digits: "$37 million" for
// "$36.6 million") counts as grounded; one invented or made more precise does
// not. Claims not written in the usual ways (spelled-out numbers) are not
// found, so not checked.
//
// Skipped as trivial: whole numbers 0-10 written without a unit ("3 reasons"),
// list markers ("1." or "2)" at a line start), and numbers glued to letters
// (Q3, A320, 5G, 2nd).
//
// A GroundingIndex is immutable after construction: its const members may be
// called from several threads at once. Free functions are pure.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace roundtable::guard {

struct Claim {
    enum class Kind { number, percent, money, date, year, range, quote, evidence };
    Kind kind = Kind::number;
    std::string text; // as written in the output (quotes keep their quote marks)
};

// The result of checking one output text against an article.
struct GroundingReport {
    std::size_t checked = 0;       // claims and evidence quotes looked up
    std::vector<Claim> ungrounded; // those not found, in output order, no duplicates
};

// Returns the checkable claims in `output_text`, in order; returns an empty
// list when there are none.
std::vector<Claim> extract_claims(std::string_view output_text);

class GroundingIndex {
public:
    // Builds the index of `article` (normalized text and the sorted numeric
    // values, dates and years it mentions); never fails.
    explicit GroundingIndex(std::string_view article);

    // Returns whether every figure in `figure` ("$36.6M", "12 per cent",
    // "18% to 22%", "March 3, 2025", "2025") is in the article; returns false
    // when `figure` holds no figure.
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

    // Checks every claim of `output_text` and every evidence quote; never fails.
    GroundingReport check(std::string_view output_text,
                          const std::vector<std::string>& evidence = {}) const;

    // Returns the claims (as written) of `output_text`, and the evidence
    // quotes, not found in the article; empty when all are grounded.
    std::vector<std::string> ungrounded(std::string_view output_text,
                                        const std::vector<std::string>& evidence = {}) const;

private:
    struct Money {
        double value;
        char currency; // '$', 'E' (euro), 'L' (pound), 'Y' (yen) or 0 when unknown
    };

    std::string m_text;             // normalized article
    std::string m_loose;            // normalized, punctuation as spaces, padded with spaces
    std::vector<double> m_percents; // percentages (12 for 12%)
    std::vector<Money> m_scaled;    // money and figures in base units (36600000)
    std::vector<double> m_raw;      // every figure as written (36.6 for $36.6M)
    std::vector<int> m_dates;       // yyyymmdd, and yyyymm00 for each month mentioned
    std::vector<int> m_month_days;  // mmdd of every full or yearless date

    friend struct IndexAccess;
};

} // namespace roundtable::guard

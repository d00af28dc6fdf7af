// Sentence segmentation of article text, for the offline analysts and the
// grounding guard.
//
// Sentences are byte ranges into the text they were split from, so whatever is
// quoted from them is a verbatim substring of the article. The splitter knows
// abbreviations (Mr., Inc., U.S., e.g.), decimals and money ($3.5, 1,200.50),
// initials (J. P. Morgan), closing quotes after a period, ellipses, ? and !,
// paragraph breaks and heading lines. A sentence longer than
// k_max_sentence_bytes (a page without punctuation, a storm of numbers) is cut
// into pieces of at most that size, at spaces where it has them, so that no
// later stage works on, or quotes, an unbounded sentence. Pure functions;
// thread-safe.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace roundtable::article {

// The longest sentence in bytes; longer runs are cut into pieces at spaces (README, "Bounds").
inline constexpr std::size_t k_max_sentence_bytes = 1000;

struct Sentence {
    std::size_t begin = 0;     // byte offset of the first byte (no leading space)
    std::size_t end = 0;       // byte offset one past the last byte (no trailing space)
    std::size_t paragraph = 0; // index of the blank-line separated paragraph, from 0

    friend bool operator==(const Sentence&, const Sentence&) = default;
};

// Splits UTF-8 `text` into sentences in text order: a blank line always ends a
// sentence, a single line break does not unless the line looks like a heading
// (short, capitalised, without final punctuation); a sentence over
// k_max_sentence_bytes becomes pieces of at most that size, each cut at the last
// space before the limit (at a character boundary when there is none in its
// second half). Never fails: text without
// any sentence (empty or only spaces) gives an empty vector.
std::vector<Sentence> split_sentences(std::string_view text);

} // namespace roundtable::article

// Sentence segmentation of article text, for the offline analysts and the
// grounding guard.
//
// Sentences are byte ranges into the text they were split from, so whatever is
// quoted from them is a verbatim substring of the article. The splitter knows
// abbreviations (Mr., Inc., U.S., e.g.), decimals and money ($3.5, 1,200.50),
// initials (J. P. Morgan), closing quotes after a period, ellipses, ? and !,
// paragraph breaks and heading lines. Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace roundtable::article {

struct Sentence {
    std::size_t begin = 0;     // byte offset of the first byte (no leading space)
    std::size_t end = 0;       // byte offset one past the last byte (no trailing space)
    std::size_t paragraph = 0; // index of the blank-line separated paragraph, from 0

    friend bool operator==(const Sentence&, const Sentence&) = default;
};

// Splits UTF-8 `text` into sentences in text order: a blank line always ends a
// sentence, a single line break does not unless the line looks like a heading
// (short, capitalised, without final punctuation). Never fails: text without
// any sentence (empty or only spaces) gives an empty vector.
std::vector<Sentence> split_sentences(std::string_view text);

} // namespace roundtable::article

// The offline analysts' reading of an article: cue lexicons, tokens and stems,
// and the per-article analysis (sentences, content terms, TextRank salience,
// cue scores) that every lens reads.
//
// analyze() memoizes its result in a small process-wide cache keyed by a hash
// of the article text, so the four seats and their rounds share one analysis;
// it is thread-safe and an Analysis is immutable once built. Only offline/
// and its tests include this header.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace roundtable::offline {

enum class CueKind : std::uint8_t { risk, opportunity, hedge, negator, intensifier };

struct Cue {
    CueKind kind;
    double weight; // cue strength (risk/opportunity), multiplier (intensifier), 1 otherwise
};

// Returns the cue of a stemmed word, or nullptr when the word is no cue.
const Cue* find_cue(std::string_view stem);

// Returns whether a lowercase word is a stop word (never a content term).
bool is_stop_word(std::string_view word);

// Returns the light stem of a lowercase ASCII word ("declines" -> "declin"); never fails.
std::string stem(std::string_view word);

// Cue scores of one sentence after negation and intensifiers.
struct CueScore {
    double risk = 0;        // risk cues, plus negated opportunity cues
    double opportunity = 0; // opportunity cues, plus negated risk cues
    double hedge = 0;       // hedges and attributed claims ("could", "analysts say")
    int figures = 0;        // numbers, percentages, money amounts (bare years excluded)
    int words = 0;          // word count
};

// Scores the words of `sentence`; never fails.
CueScore score_cues(std::string_view sentence);

// Returns the lowercase word tokens of `text` (ASCII letters, inner apostrophes
// normalized to '); never fails.
std::vector<std::string> words_of(std::string_view text);

struct SentenceFeatures {
    std::size_t begin = 0;
    std::size_t end = 0;
    std::size_t paragraph = 0;
    std::vector<std::uint32_t> terms; // sorted unique content-term ids
    double salience = 0;              // TextRank centrality with a small lead bonus, in [0, 1]
    CueScore cues;
    bool heading = false; // a title or heading line (no final punctuation): never quoted as a claim
    bool instruction = false; // addressed to the models (guard/injection.hpp): never quoted at all

    double net() const { return cues.opportunity - cues.risk; }
};

struct Analysis {
    // What the analysts derive from the analysis alone, once, by the first seat to need it.
    struct Derived {
        std::once_flag headlines_once;
        std::vector<std::size_t> headlines; // each lens's headline (offline/analysts.cpp)
    };

    std::string text;
    std::vector<SentenceFeatures> sentences;
    std::unordered_map<std::string, std::uint32_t> vocabulary;      // stem -> term id; lookups only
    std::shared_ptr<Derived> derived = std::make_shared<Derived>(); // thread-safe

    // Returns the text of sentence `i`.
    std::string_view sentence_text(std::size_t i) const;
    // Returns the index of the sentence that contains byte `offset`, or npos if none does.
    std::size_t sentence_at(std::size_t offset) const;
    // Returns the index of the sentence that contains the quote `quote`, or npos if the
    // quote is not in the article.
    std::size_t locate(std::string_view quote) const;
    // Returns the sorted unique ids of the article's terms that occur in `text`.
    std::vector<std::uint32_t> terms_of(std::string_view text) const;
};

// Returns whether `sentence` reads as a title or heading rather than a sentence:
// it does not end in . ! ? or an ellipsis (closing quotes and brackets aside); never fails.
bool looks_like_heading(std::string_view sentence);

// Builds the analysis of `article` without the cache; never fails but on allocation.
// When every sentence looks like a heading, none is flagged as one.
Analysis analyze_uncached(std::string_view article);

// Returns the shared analysis of `article`, computed once per process (a cache
// of a few recent articles); thread-safe.
std::shared_ptr<const Analysis> analyze(std::string_view article);

} // namespace roundtable::offline

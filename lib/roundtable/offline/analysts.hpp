// The offline analysts: the embedded panel used when no API key is set (and by
// the tests). Each analyst is a lens -- "bull", "bear", "skeptic" or "quant" --
// over one extractive analysis of the article (analysis.hpp: sentence salience
// by TextRank, cue lexicons for risk, opportunity and hedging, negation
// handling). Every string they write is copied byte-for-byte from the article;
// only the stance and the confidence are their own.
// A title or heading line (no final punctuation) may lead a take as its
// headline but is never quoted as evidence, analysis, rebuttal, risk or
// opportunity; each lens leads with its own sentence where the article allows.
//
// They read the rendered prompts like a model would: the article between the
// "<<<ARTICLE TOKEN>>>" lines, the panel's JSON between the "<<<PANEL TOKEN>>>"
// lines. answer() is thread-safe and deterministic (same prompt, same bytes);
// the analysis of an article is computed once per process and shared. The
// Provider adapter over them is providers/offline.hpp.
#pragma once

#include <expected>
#include <optional>
#include <roundtable/guard/schema.hpp>
#include <string>
#include <string_view>

namespace roundtable::offline {

enum class Lens { bull, bear, skeptic, quant };

// Returns the name of `lens` ("bull", "bear", "skeptic" or "quant"); never fails.
std::string_view lens_name(Lens lens);

// Returns the lens named `name`, or nullopt when no lens has that name.
std::optional<Lens> parse_lens(std::string_view name);

// Answers the rendered user prompt `user` of `round` as the analyst of `lens`:
// the reply's JSON text. Returns an error naming what is wrong when the
// article or panel markers are missing, the panel data is not JSON (or not an
// array of takes in a rebuttal), or the article has no sentences.
std::expected<std::string, std::string> answer(Lens lens, guard::Round round,
                                               std::string_view user);

} // namespace roundtable::offline

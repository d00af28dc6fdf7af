// The offline analysts: the embedded panel used when no API key is set (and by
// the tests). Each seat is a lens -- "bull", "bear", "skeptic" or "quant" --
// over one extractive analysis of the article (sentence salience by TextRank,
// cue lexicons for risk, opportunity and hedging, negation handling). Every
// string they write is copied byte-for-byte from the article; only the stance
// and the confidence are their own.
// A title or heading line (no final punctuation) may lead a take as its
// headline but is never quoted as evidence, analysis, rebuttal, risk or
// opportunity; each lens leads with its own sentence where the article allows.
//
// They read the rendered prompts like a model would: the article between the
// "<<<ARTICLE TOKEN>>>" lines, the panel's JSON between the "<<<PANEL TOKEN>>>"
// lines. complete() is thread-safe and deterministic (same request, same
// bytes); the analysis of an article is computed once per process and shared.
#pragma once

#include <memory>
#include <roundtable/providers/provider.hpp>
#include <roundtable/providers/seat_config.hpp>
#include <string>

namespace roundtable::providers {

enum class Lens { bull, bear, skeptic, quant };

class OfflineProvider : public Provider {
public:
    // Makes the analyst of `lens`; `seat_name` is its name on the panel.
    OfflineProvider(std::string seat_name, Lens lens);

    std::string_view kind() const override { return "offline"; }
    const std::string& model() const override { return m_model; }

    // Answers `request` from the article in its user text; returns a Failure of
    // type "bad_prompt" when the article or panel markers are missing or the
    // panel data is not JSON.
    std::expected<Reply, Failure> complete(const Request& request) override;

    // Returns a one-line description of the lens, the round and the prompt sizes.
    std::string describe_request(const Request& request) const override;

private:
    std::string m_seat_name;
    Lens m_lens;
    std::string m_model; // "offline-<lens>"
};

// Returns the analyst for `seat` (seat.model is the lens); throws
// Error(Exit::config) for an unknown lens.
std::unique_ptr<Provider> make_offline_provider(const SeatConfig& seat);

} // namespace roundtable::providers

// The consensus card: everything a panel produced, in the order of DESIGN §1.
//
// The pipeline builds a Card; renderers only read it. JSON conversion (the
// "roundtable.card/v1" contract of DESIGN §6) lives in card.cpp so that
// nlohmann/json stays out of this widely-included header (only its small
// json_fwd.hpp is included, for the from_json declaration).
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace roundtable::panel {

inline constexpr std::string_view k_card_schema = "roundtable.card/v1";

enum class Stance { bearish, neutral, bullish };

// Returns "bearish", "neutral" or "bullish".
std::string_view stance_name(Stance stance);

// Parses a stance name; returns nullopt for anything else.
std::optional<Stance> parse_stance(std::string_view name);

struct ArticleMeta {
    std::string title;
    std::string source;
    std::string sha256;
    std::size_t chars = 0;
    std::size_t bytes = 0;
    std::string byline;    // author(s) a web page names; "" when none (JSON null)
    std::string published; // publication date a web page states; "" when none
    std::string site;      // site name of a web page; "" when none
};

struct SeatStatus {
    std::string seat;
    std::string provider;
    std::string model;
    bool ok = true;
    std::string error;              // why the seat failed, one line; empty when ok
    std::string effort;             // low | medium | high; "" when the model has no such control
    std::vector<std::string> notes; // what happened on the way, e.g. a budget retry
};

// One claim the grounding guard looked up, and how the article holds it
// (guard::Match; "not_found" for an ungrounded claim).
struct CheckedClaim {
    std::string text;    // as written by the seat
    std::string kind;    // number, percent, money, date, year, range, quote, evidence, identifier
    std::string match;   // exact_text, normalized_number, ..., not_found (guard/grounding.hpp)
    std::string article; // the article's figure, date or identifier it matched; "" when none
};

struct Take {
    std::string seat;
    Stance stance = Stance::neutral;
    double confidence = 0.5;
    std::string headline;
    std::string analysis;
    std::string counterpoint;
    std::vector<std::string> evidence;
    std::vector<std::string> ungrounded; // claims not found in the article
    std::size_t claims_checked = 0;      // claims and evidence quotes looked up
    std::vector<CheckedClaim> claims;    // each claim looked up once, and how it matched
};

struct Rebuttal {
    std::string seat;
    std::vector<std::string> responds_to; // seat names (never the seat itself)
    std::string headline;
    std::string text;
    Stance stance_after = Stance::neutral;
    double confidence_after = 0.5;
    std::vector<std::string> ungrounded;
    std::size_t claims_checked = 0;
    std::vector<CheckedClaim> claims; // each claim looked up once, and how it matched
};

struct Votes {
    int bearish = 0;
    int neutral = 0;
    int bullish = 0;

    int total() const { return bearish + neutral + bullish; }
    int of(Stance stance) const;
    void add(Stance stance);
};

struct Shift {
    std::string seat;
    Stance from = Stance::neutral;
    Stance to = Stance::neutral;
    bool new_evidence =
        true; // false: the seat shifted without citing anything new from the article
};

struct Consensus {
    std::optional<Stance> stance; // nullopt: an exact tie, shown as "split"
    Votes votes;                  // final stances (after rebuttals)
    Votes initial_votes;          // round-1 stances
    double agreement = 0.0;       // share of seats agreeing with the stance, 0-1
    std::string summary;
    std::string risk;
    std::string opportunity;
    std::string chair;                   // seat that wrote the synthesis
    bool synthesized = true;             // false: risk/opportunity filled from the takes
    std::vector<Shift> shifts;           // seats whose stance changed in the rebuttal
    std::vector<std::string> ungrounded; // claims of the synthesis not found in the article
    std::size_t claims_checked = 0;      // claims of the synthesis looked up
    std::vector<CheckedClaim> claims;    // each claim of the synthesis, and how it matched
    std::string chair_error;             // why the chair's synthesis failed; empty when it did not

    // Returns "bearish", "neutral", "bullish" or "split".
    std::string stance_label() const;
    // Returns the vote behind the stance, e.g. "3-1" or "2-1-1".
    std::string vote_label() const;
};

struct Usage {
    int calls = 0;
    int cache_hits = 0;
    std::int64_t input_tokens = 0;
    std::int64_t output_tokens = 0;
    std::int64_t cached_tokens = 0;
    std::int64_t reasoning_tokens = 0; // part of output_tokens, where providers count it apart
    double cost_usd = 0.0;
    std::int64_t wall_ms = 0;
};

// An instruction-like sentence of the article (text addressed to the models, guard/injection.hpp),
// shown on the card rather than obeyed.
struct Injection {
    std::string text;                   // as written in the article
    std::vector<std::string> echoed_by; // seats whose headline or stance echoes it
};

struct Card {
    ArticleMeta article;
    std::vector<SeatStatus> seats; // every seat asked, in panel order
    std::vector<Take> takes;       // seats that answered round 1, in panel order
    std::vector<Rebuttal> rebuttals;
    Consensus consensus;
    Usage usage;
    bool offline = false;              // the panel was the offline analysts, no language model
    std::string methodology;           // one line
    std::vector<Injection> injections; // instruction-like sentences of the article, in order
};

// Serializes `card` to the JSON text of the v1 contract (`indent` < 0: one line).
std::string to_json_text(const Card& card, int indent = 2);

// Parses JSON text of the v1 contract; throws std::runtime_error naming the problem.
Card card_from_json_text(std::string_view text);

// Reads an already parsed card of the v1 contract (e.g. the "card" of a batch line);
// throws nlohmann::json::exception or std::runtime_error naming the problem.
void from_json(const nlohmann::json& j, Card& card);

} // namespace roundtable::panel

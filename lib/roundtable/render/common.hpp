// Wording shared by the card renderers, so that every format says the same
// thing: numbers with thousands separators, percentages, shortened hashes,
// shifts, seat lookups and the fixed labels of the card.
//
// Internal to roundtable::render. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <roundtable/panel/card.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace roundtable::render {

inline constexpr std::string_view k_offline_label = "offline analysts, no language model";
inline constexpr std::string_view k_not_synthesized = "From the takes (not synthesized)";
inline constexpr std::string_view k_all_grounded = "all claims found in the article";

// Returns `value` with ',' between groups of three digits, e.g. "12,345"; never fails.
std::string group_thousands(std::int64_t value);

// Returns a 0-1 share as a whole percentage, e.g. "75%" (clamped to 0-100); never fails.
std::string percent(double share);

// Returns the first 12 characters of a hex hash (all of it when shorter); never fails.
std::string short_hash(std::string_view sha256);

// Returns the upper-case name of `stance`, e.g. "BEARISH"; never fails.
std::string stance_upper(panel::Stance stance);

// Returns the upper-case consensus stance, "SPLIT" for a tie; never fails.
std::string consensus_upper(const panel::Consensus& consensus);

// Returns the round-1 vote label (e.g. "2-1-1") when round 1 was recorded and its
// votes differ from the final ones; nullopt otherwise.
std::optional<std::string> initial_vote_label(const panel::Consensus& consensus);

// Returns the article's metadata on one line, e.g. "by Ana Ruiz · MarketWire ·
// published 2024-03-05"; "" when the card has none.
std::string article_credits(const panel::ArticleMeta& article);

// Returns the seat's status entry; nullptr when the card has none for `seat`.
const panel::SeatStatus* find_seat(const panel::Card& card, std::string_view seat);

// Returns the seat's round-1 take; nullptr when the seat gave none.
const panel::Take* find_take(const panel::Card& card, std::string_view seat);

// Returns the stance a rebuttal moved from when it differs from `rebuttal.stance_after`
// (the card's recorded shift, else the seat's take); nullopt when the stance held.
std::optional<panel::Stance> shifted_from(const panel::Card& card, const panel::Rebuttal& rebuttal);

// Returns whether `seat` shifted its stance without citing new evidence from the article.
bool shifted_without_evidence(const panel::Card& card, std::string_view seat);

// The flag shown beside such a shift.
inline constexpr std::string_view k_no_new_evidence = " (shifted without citing new evidence)";

// Returns every claim of `seat` (take and rebuttal) not found in the article; never fails.
std::vector<std::string> ungrounded_of(const panel::Card& card, std::string_view seat);

// Returns every claim of `seat` (take and rebuttal) the guards looked up, with
// how each one matched; empty for cards written before matches were recorded.
std::vector<panel::CheckedClaim> claims_of(const panel::Card& card, std::string_view seat);

// Returns a claim's match as words ("date part" for "date_part"); never fails.
std::string match_label(std::string_view match);

// Returns "1 ungrounded claim" / "N ungrounded claims", or k_all_grounded for none.
std::string ungrounded_summary(std::size_t count, std::size_t checked = 0);

// Returns how many claims of `seat`'s take and rebuttal were checked.
std::size_t checked_of(const panel::Card& card, std::string_view seat);

// Returns the usage line: calls, tokens in/out/cached, cost and wall time; never fails.
std::string usage_line(const panel::Usage& usage);

// Returns the guards' line over the article's instruction-like sentences ("article: 1
// instruction-like sentence, shown here, not obeyed"); "" when there are none.
std::string injections_summary(const panel::Card& card);

// Returns `injection`'s echo note (" (echoed by gpt, grok)"); "" when no seat echoes it.
std::string echo_note(const panel::Injection& injection);

// Returns `items` joined by `separator`; never fails.
std::string join(const std::vector<std::string>& items, std::string_view separator);

} // namespace roundtable::render

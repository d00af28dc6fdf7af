// The output budget of one call: what the round's visible answer needs plus,
// for a model that reasons, the reasoning it may spend first (providers bill
// and count reasoning out of the same budget: OpenAI max_completion_tokens,
// Gemini maxOutputTokens, Anthropic max_tokens).
//
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <roundtable/guard/schema.hpp>
#include <roundtable/providers/seat_config.hpp>

namespace roundtable::providers {

// Returns the reasoning tokens `seat` may spend at `effort`: 0 when its model does not reason
// at that level, the level's own budget for a model with a token-budget control, else the
// seat's allowance for the level; never fails.
std::int64_t reasoning_allowance(const SeatConfig& seat, Effort effort);

// Returns the output budget of a call in `round` at `effort`: seat.max_tokens when set, else
// reasoning_allowance() plus guard::answer_tokens(round), never above the model's max output
// when the catalogue knows it; never fails.
int output_budget(const SeatConfig& seat, guard::Round round, Effort effort);

} // namespace roundtable::providers

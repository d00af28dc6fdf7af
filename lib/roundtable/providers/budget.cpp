#include <algorithm>
#include <charconv>
#include <roundtable/providers/budget.hpp>

namespace roundtable::providers {

std::int64_t reasoning_allowance(const SeatConfig& seat, Effort effort) {
    const ModelTraits& traits = seat.traits;
    if (!traits.thinks_at(effort)) {
        return 0;
    }
    if (traits.control == ReasoningControl::budget) {
        const std::string& value = traits.value_for(effort);
        std::int64_t tokens = 0;
        const auto [end, error] =
            std::from_chars(value.data(), value.data() + value.size(), tokens);
        if (error == std::errc() && end == value.data() + value.size()) {
            return tokens;
        }
    }
    return seat.reasoning_tokens[static_cast<std::size_t>(effort)];
}

int output_budget(const SeatConfig& seat, guard::Round round, Effort effort) {
    if (seat.max_tokens) {
        return *seat.max_tokens;
    }
    std::int64_t budget = reasoning_allowance(seat, effort) + guard::answer_tokens(round);
    if (seat.traits.max_output > 0) {
        budget = std::min(budget, seat.traits.max_output);
    }
    return static_cast<int>(std::clamp<std::int64_t>(budget, 1, 100'000'000));
}

} // namespace roundtable::providers

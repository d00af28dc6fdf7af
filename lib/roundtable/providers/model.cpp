#include <roundtable/providers/model.hpp>

namespace roundtable::providers {

namespace {

constexpr std::array<std::string_view, 3> k_efforts{"low", "medium", "high"};
constexpr std::array<std::string_view, 4> k_reasoning{"none", "opt-in", "default", "always"};
constexpr std::array<std::string_view, 3> k_controls{"none", "effort", "budget"};
constexpr std::array<std::string_view, 3> k_structured{"json_schema", "tool", "prompt"};

template <typename Enum, std::size_t N>
std::optional<Enum> parse_name(const std::array<std::string_view, N>& names,
                               std::string_view name) {
    for (std::size_t i = 0; i < N; ++i) {
        if (names[i] == name) {
            return static_cast<Enum>(i);
        }
    }
    return std::nullopt;
}

} // namespace

std::string_view effort_name(Effort effort) {
    return k_efforts[static_cast<std::size_t>(effort)];
}

std::optional<Effort> parse_effort(std::string_view name) {
    return parse_name<Effort>(k_efforts, name);
}

std::optional<Effort> lower_effort(Effort effort) {
    switch (effort) {
    case Effort::high:
        return Effort::medium;
    case Effort::medium:
        return Effort::low;
    case Effort::low:
        break;
    }
    return std::nullopt;
}

std::string_view reasoning_name(Reasoning reasoning) {
    return k_reasoning[static_cast<std::size_t>(reasoning)];
}

std::optional<Reasoning> parse_reasoning(std::string_view name) {
    return parse_name<Reasoning>(k_reasoning, name);
}

std::string_view control_name(ReasoningControl control) {
    return k_controls[static_cast<std::size_t>(control)];
}

std::optional<ReasoningControl> parse_control(std::string_view name) {
    return parse_name<ReasoningControl>(k_controls, name);
}

std::string_view structured_name(StructuredOutput structured) {
    return k_structured[static_cast<std::size_t>(structured)];
}

std::optional<StructuredOutput> parse_structured(std::string_view name) {
    return parse_name<StructuredOutput>(k_structured, name);
}

bool ModelTraits::thinks_at(Effort effort) const {
    const std::string& value = value_for(effort);
    switch (reasoning) {
    case Reasoning::none:
        return false;
    case Reasoning::opt_in: // on only when the control asks for some
        return control != ReasoningControl::none && !value.empty() && value != "0" &&
               value != "none";
    case Reasoning::default_on:
        return !(control == ReasoningControl::budget && value == "0") && value != "none";
    case Reasoning::always:
        return true;
    }
    return false;
}

} // namespace roundtable::providers

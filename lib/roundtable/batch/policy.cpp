#include <fmt/format.h>
#include <roundtable/batch/policy.hpp>

namespace roundtable::batch {

using util::trim_blanks;

bool Policy::matches(const CardFacts& facts) const {
    switch (field) {
    case Field::stance:
        return facts.stance == stance;
    case Field::agreement:
        return threshold.holds(facts.agreement);
    case Field::ungrounded:
        return threshold.holds(static_cast<double>(facts.ungrounded));
    case Field::failed_seats:
        return threshold.holds(static_cast<double>(facts.failed_seats));
    }
    return false;
}

std::expected<Policy, std::string> parse_policy(std::string_view raw) {
    std::string_view text = trim_blanks(raw);
    if (text.empty()) {
        return std::unexpected(
            std::string("--fail-on: empty expression (expected e.g. stance=bearish or "
                        "agreement<0.5)"));
    }
    Policy policy;
    policy.text = std::string(text);
    auto field_end = text.find_first_not_of("abcdefghijklmnopqrstuvwxyz-");
    std::string_view field = text.substr(0, field_end);
    const auto op_at =
        field_end == std::string_view::npos ? field_end : text.find_first_not_of(" \t", field_end);
    const bool has_op = op_at != std::string_view::npos &&
                        std::string_view("<>=").find(text[op_at]) != std::string_view::npos;
    const char* k_fields = "stance, agreement, ungrounded or failed-seats";
    if (field == "stance") {
        policy.field = Policy::Field::stance;
    } else if (field == "agreement") {
        policy.field = Policy::Field::agreement;
    } else if (field == "ungrounded") {
        policy.field = Policy::Field::ungrounded;
    } else if (field == "failed-seats") {
        policy.field = Policy::Field::failed_seats;
    } else {
        return std::unexpected(
            fmt::format("--fail-on '{}': unknown field '{}' (expected {})", text, field, k_fields));
    }
    if (policy.field == Policy::Field::stance) {
        std::string_view value = has_op ? trim_blanks(text.substr(op_at + 1)) : "";
        if (!has_op || text[op_at] != '=' ||
            (value != "bearish" && value != "neutral" && value != "bullish" && value != "split")) {
            return std::unexpected(fmt::format("--fail-on '{}': expected stance=bearish, "
                                               "stance=neutral, stance=bullish or stance=split",
                                               text));
        }
        policy.stance = std::string(value);
        return policy;
    }
    auto bad_number = [&] {
        return std::unexpected(fmt::format(
            "--fail-on '{}': expected {} followed by <, <=, >, >= or = and a number", text, field));
    };
    if (!has_op) {
        return bad_number();
    }
    auto threshold = util::parse_threshold(text.substr(op_at));
    if (!threshold) {
        return bad_number();
    }
    policy.threshold = *threshold;
    return policy;
}

std::expected<std::vector<Policy>, std::string>
parse_policies(const std::vector<std::string>& values) {
    std::vector<Policy> policies;
    for (const auto expression : util::split_expressions(values)) {
        auto parsed = parse_policy(expression);
        if (!parsed) {
            return std::unexpected(parsed.error());
        }
        policies.push_back(std::move(*parsed));
    }
    return policies;
}

} // namespace roundtable::batch

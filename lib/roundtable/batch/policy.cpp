#include <charconv>
#include <cmath>
#include <fmt/format.h>
#include <roundtable/batch/policy.hpp>

namespace roundtable::batch {

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
        s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
        s.remove_suffix(1);
    }
    return s;
}

bool compare(double value, Policy::Op op, double number) {
    switch (op) {
    case Policy::Op::lt:
        return value < number;
    case Policy::Op::le:
        return value <= number;
    case Policy::Op::gt:
        return value > number;
    case Policy::Op::ge:
        return value >= number;
    case Policy::Op::eq:
        return std::fabs(value - number) < 1e-9;
    }
    return false;
}

} // namespace

bool Policy::matches(const CardFacts& facts) const {
    switch (field) {
    case Field::stance:
        return facts.stance == stance;
    case Field::agreement:
        return compare(facts.agreement, op, number);
    case Field::ungrounded:
        return compare(static_cast<double>(facts.ungrounded), op, number);
    case Field::failed_seats:
        return compare(static_cast<double>(facts.failed_seats), op, number);
    }
    return false;
}

std::expected<Policy, std::string> parse_policy(std::string_view raw) {
    std::string_view text = trim(raw);
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
        std::string_view value = has_op ? trim(text.substr(op_at + 1)) : "";
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
    std::string_view rest = text.substr(op_at);
    if (rest.starts_with("<=")) {
        policy.op = Policy::Op::le;
        rest.remove_prefix(2);
    } else if (rest.starts_with(">=")) {
        policy.op = Policy::Op::ge;
        rest.remove_prefix(2);
    } else if (rest.starts_with("<")) {
        policy.op = Policy::Op::lt;
        rest.remove_prefix(1);
    } else if (rest.starts_with(">")) {
        policy.op = Policy::Op::gt;
        rest.remove_prefix(1);
    } else {
        policy.op = Policy::Op::eq;
        rest.remove_prefix(rest.starts_with("==") ? 2 : 1);
    }
    rest = trim(rest);
    if (rest.empty()) {
        return bad_number();
    }
    auto [ptr, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), policy.number);
    if (ec != std::errc{} || ptr != rest.data() + rest.size() || !std::isfinite(policy.number)) {
        return bad_number();
    }
    return policy;
}

std::expected<std::vector<Policy>, std::string>
parse_policies(const std::vector<std::string>& values) {
    std::vector<Policy> policies;
    for (const auto& value : values) {
        std::string_view rest = value;
        for (;;) {
            auto comma = rest.find(',');
            auto parsed = parse_policy(rest.substr(0, comma));
            if (!parsed) {
                return std::unexpected(parsed.error());
            }
            policies.push_back(std::move(*parsed));
            if (comma == std::string_view::npos) {
                break;
            }
            rest.remove_prefix(comma + 1);
        }
    }
    return policies;
}

} // namespace roundtable::batch

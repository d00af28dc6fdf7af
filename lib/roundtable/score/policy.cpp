#include <algorithm>
#include <charconv>
#include <cmath>
#include <fmt/format.h>
#include <roundtable/score/policy.hpp>

namespace roundtable::score {

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

bool compare(double value, ScorePolicy::Op op, double number) {
    switch (op) {
    case ScorePolicy::Op::lt:
        return value < number;
    case ScorePolicy::Op::le:
        return value <= number;
    case ScorePolicy::Op::gt:
        return value > number;
    case ScorePolicy::Op::ge:
        return value >= number;
    case ScorePolicy::Op::eq:
        return std::fabs(value - number) < 1e-9;
    }
    return false;
}

} // namespace

std::expected<ScorePolicy, std::string> parse_score_policy(std::string_view raw) {
    const std::string_view text = trim(raw);
    constexpr const char* k_forms =
        "expected FIGURE OP NUMBER or seat:NAME:FIGURE OP NUMBER, FIGURE one of accuracy, "
        "accuracy-round1 or brier, OP one of <, <=, >, >= or =, e.g. accuracy<0.6 or "
        "seat:gpt:brier>0.5";
    auto bad = [&] { return std::unexpected(fmt::format("--fail-on '{}': {}", text, k_forms)); };
    if (text.empty()) {
        return std::unexpected(fmt::format("--fail-on: empty expression ({})", k_forms));
    }
    ScorePolicy policy;
    policy.text = std::string(text);
    std::string_view rest = text;
    if (rest.starts_with("seat:")) {
        rest.remove_prefix(5);
        const auto colon = rest.find(':');
        if (colon == std::string_view::npos || trim(rest.substr(0, colon)).empty()) {
            return bad();
        }
        policy.seat = std::string(trim(rest.substr(0, colon)));
        rest.remove_prefix(colon + 1);
    }
    const auto op_at = rest.find_first_of("<>=");
    if (op_at == std::string_view::npos) {
        return bad();
    }
    std::string figure(trim(rest.substr(0, op_at)));
    std::replace(figure.begin(), figure.end(), '_', '-');
    if (figure == "accuracy") {
        policy.figure = ScorePolicy::Figure::accuracy;
    } else if (figure == "accuracy-round1") {
        policy.figure = ScorePolicy::Figure::accuracy_round1;
    } else if (figure == "brier") {
        policy.figure = ScorePolicy::Figure::brier;
    } else {
        return bad();
    }
    rest.remove_prefix(op_at);
    if (rest.starts_with("<=")) {
        policy.op = ScorePolicy::Op::le;
        rest.remove_prefix(2);
    } else if (rest.starts_with(">=")) {
        policy.op = ScorePolicy::Op::ge;
        rest.remove_prefix(2);
    } else if (rest.starts_with("<")) {
        policy.op = ScorePolicy::Op::lt;
        rest.remove_prefix(1);
    } else if (rest.starts_with(">")) {
        policy.op = ScorePolicy::Op::gt;
        rest.remove_prefix(1);
    } else {
        policy.op = ScorePolicy::Op::eq;
        rest.remove_prefix(rest.starts_with("==") ? 2 : 1);
    }
    rest = trim(rest);
    if (rest.empty()) {
        return bad();
    }
    auto [ptr, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), policy.number);
    if (ec != std::errc{} || ptr != rest.data() + rest.size() || !std::isfinite(policy.number)) {
        return bad();
    }
    return policy;
}

std::expected<std::vector<ScorePolicy>, std::string>
parse_score_policies(const std::vector<std::string>& values) {
    std::vector<ScorePolicy> policies;
    for (const auto& value : values) {
        std::string_view rest = value;
        for (;;) {
            const auto comma = rest.find(',');
            auto parsed = parse_score_policy(rest.substr(0, comma));
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

std::expected<std::vector<PolicyCheck>, std::string>
check_policies(const std::vector<ScorePolicy>& policies, const Score& score) {
    std::vector<PolicyCheck> checks;
    for (const auto& policy : policies) {
        std::optional<double> value;
        if (policy.seat.empty()) {
            switch (policy.figure) {
            case ScorePolicy::Figure::accuracy:
                value = score.panel.final_vote.value();
                break;
            case ScorePolicy::Figure::accuracy_round1:
                value = score.panel.round1_vote.value();
                break;
            case ScorePolicy::Figure::brier:
                value = score.panel.brier();
                break;
            }
        } else {
            auto seat = std::find_if(score.seats.begin(), score.seats.end(),
                                     [&](const SeatScore& s) { return s.seat == policy.seat; });
            if (seat == score.seats.end()) {
                std::string names;
                for (const auto& s : score.seats) {
                    names += (names.empty() ? "" : ", ") + s.seat;
                }
                return std::unexpected(fmt::format("--fail-on '{}': no seat '{}' in the cards "
                                                   "(seats: {})",
                                                   policy.text, policy.seat,
                                                   names.empty() ? "none" : names));
            }
            switch (policy.figure) {
            case ScorePolicy::Figure::accuracy:
                value = seat->final.value();
                break;
            case ScorePolicy::Figure::accuracy_round1:
                value = seat->round1.value();
                break;
            case ScorePolicy::Figure::brier:
                value = seat->brier();
                break;
            }
        }
        PolicyCheck check;
        check.text = policy.text;
        if (value) {
            check.value = round4(*value);
            check.matched = compare(*check.value, policy.op, policy.number);
        }
        checks.push_back(std::move(check));
    }
    return checks;
}

} // namespace roundtable::score

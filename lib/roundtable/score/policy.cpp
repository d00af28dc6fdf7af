#include <algorithm>
#include <fmt/format.h>
#include <roundtable/score/policy.hpp>

namespace roundtable::score {

using util::trim_blanks;

std::expected<ScorePolicy, std::string> parse_score_policy(std::string_view raw) {
    const std::string_view text = trim_blanks(raw);
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
        if (colon == std::string_view::npos || trim_blanks(rest.substr(0, colon)).empty()) {
            return bad();
        }
        policy.seat = std::string(trim_blanks(rest.substr(0, colon)));
        rest.remove_prefix(colon + 1);
    }
    const auto op_at = rest.find_first_of("<>=");
    if (op_at == std::string_view::npos) {
        return bad();
    }
    std::string figure(trim_blanks(rest.substr(0, op_at)));
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
    auto threshold = util::parse_threshold(rest.substr(op_at));
    if (!threshold) {
        return bad();
    }
    policy.threshold = *threshold;
    return policy;
}

std::expected<std::vector<ScorePolicy>, std::string>
parse_score_policies(const std::vector<std::string>& values) {
    std::vector<ScorePolicy> policies;
    for (const auto expression : util::split_expressions(values)) {
        auto parsed = parse_score_policy(expression);
        if (!parsed) {
            return std::unexpected(parsed.error());
        }
        policies.push_back(std::move(*parsed));
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
            check.matched = policy.threshold.holds(*check.value);
        }
        checks.push_back(std::move(check));
    }
    return checks;
}

} // namespace roundtable::score

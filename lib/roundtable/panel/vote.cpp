#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <roundtable/panel/vote.hpp>
#include <string>

namespace roundtable::panel {

VoteResult count_votes(const std::vector<Ballot>& ballots) {
    VoteResult result;
    std::array<double, 3> weight{};
    for (const auto& ballot : ballots) {
        result.votes.add(ballot.stance);
        weight[static_cast<std::size_t>(ballot.stance)] += ballot.confidence;
    }
    if (ballots.empty()) {
        return result;
    }
    constexpr std::array<Stance, 3> k_all{Stance::bearish, Stance::neutral, Stance::bullish};
    int top = 0;
    for (Stance s : k_all) {
        top = std::max(top, result.votes.of(s));
    }
    std::vector<Stance> leaders;
    for (Stance s : k_all) {
        if (result.votes.of(s) == top) {
            leaders.push_back(s);
        }
    }
    if (leaders.size() == 1) {
        result.stance = leaders.front();
    } else {
        // Confidence-weighted tie-break; weights within 1e-9 are an exact tie.
        std::sort(leaders.begin(), leaders.end(), [&](Stance a, Stance b) {
            return weight[static_cast<std::size_t>(a)] > weight[static_cast<std::size_t>(b)];
        });
        double first = weight[static_cast<std::size_t>(leaders[0])];
        double second = weight[static_cast<std::size_t>(leaders[1])];
        if (std::abs(first - second) > 1e-9) {
            result.stance = leaders.front();
        }
    }
    result.agreement = static_cast<double>(top) / static_cast<double>(ballots.size());
    return result;
}

bool contradicts_stance(std::string_view text, std::optional<Stance> stance) {
    if (!stance) {
        return false;
    }
    std::string lower(text);
    for (char& c : lower) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    auto names = [&](Stance s) { return lower.find(stance_name(s)) != std::string::npos; };
    if (names(*stance)) {
        return false;
    }
    for (Stance other : {Stance::bearish, Stance::neutral, Stance::bullish}) {
        if (other != *stance && names(other)) {
            return true;
        }
    }
    return false;
}

} // namespace roundtable::panel

#include <algorithm>
#include <cmath>
#include <roundtable/panel/vote.hpp>
#include <roundtable/score/score.hpp>
#include <unordered_set>

namespace roundtable::score {

namespace {

constexpr double k_z = 1.959963984540054; // the 97.5th percentile of the standard normal

constexpr std::array<panel::Stance, 3> k_stances{panel::Stance::bearish, panel::Stance::neutral,
                                                 panel::Stance::bullish};

double clamp01(double x) {
    return std::isfinite(x) ? std::clamp(x, 0.0, 1.0) : 0.0;
}

int position(panel::Stance s) {
    return static_cast<int>(s); // bearish 0 < neutral 1 < bullish 2
}

std::optional<double> ratio(double num, std::size_t den) {
    if (den == 0) {
        return std::nullopt;
    }
    return num / static_cast<double>(den);
}

// The counts of a vote label ("3-1" -> {3, 1}), for ordering levels.
std::vector<int> label_counts(const std::string& label) {
    std::vector<int> counts;
    int value = 0;
    for (char c : label) {
        if (c == '-') {
            counts.push_back(value);
            value = 0;
        } else {
            value = value * 10 + (c - '0');
        }
    }
    counts.push_back(value);
    return counts;
}

} // namespace

CardRecord record_of(std::string id, const panel::Card& card) {
    CardRecord record;
    record.id = std::move(id);
    std::vector<panel::Ballot> round1;
    for (const auto& status : card.seats) {
        SeatRecord seat;
        seat.seat = status.seat;
        seat.model = status.model;
        auto take = std::find_if(card.takes.begin(), card.takes.end(),
                                 [&](const panel::Take& t) { return t.seat == status.seat; });
        auto rebuttal =
            std::find_if(card.rebuttals.begin(), card.rebuttals.end(),
                         [&](const panel::Rebuttal& r) { return r.seat == status.seat; });
        if (take != card.takes.end()) {
            seat.round1 = take->stance;
            seat.round1_confidence = take->confidence;
            round1.push_back({status.seat, take->stance, take->confidence});
            if (rebuttal != card.rebuttals.end()) {
                seat.final = rebuttal->stance_after;
                seat.final_confidence = rebuttal->confidence_after;
            } else if (status.ok) {
                // No rebuttal round: the take was the seat's vote.
                seat.final = take->stance;
                seat.final_confidence = take->confidence;
            }
        }
        record.seats.push_back(std::move(seat));
    }
    record.round1_vote = panel::count_votes(round1).stance;
    record.final_vote = card.consensus.stance;
    record.vote_label = card.consensus.vote_label();
    record.agreement = card.consensus.agreement;
    return record;
}

std::optional<Interval> wilson_interval(std::size_t correct, std::size_t n) {
    if (n == 0) {
        return std::nullopt;
    }
    const double nn = static_cast<double>(n);
    const double p = static_cast<double>(correct) / nn;
    const double z2 = k_z * k_z;
    const double denominator = 1.0 + z2 / nn;
    const double centre = (p + z2 / (2.0 * nn)) / denominator;
    const double half = k_z * std::sqrt(p * (1.0 - p) / nn + z2 / (4.0 * nn * nn)) / denominator;
    // The bounds are exactly 0 and 1 when every answer was wrong or right.
    return Interval{correct == 0 ? 0.0 : std::max(0.0, centre - half),
                    correct == n ? 1.0 : std::min(1.0, centre + half)};
}

double brier(panel::Stance chosen, double confidence, panel::Stance outcome) {
    const double c = clamp01(confidence);
    double sum = 0.0;
    for (panel::Stance s : k_stances) {
        const double p = s == chosen ? c : (1.0 - c) / 2.0;
        const double y = s == outcome ? 1.0 : 0.0;
        sum += (p - y) * (p - y);
    }
    return sum;
}

std::size_t calibration_bin(double confidence) {
    // The small epsilon keeps edges such as 0.3 (0.29999... in binary) in their own bin.
    const double scaled = std::floor(clamp01(confidence) * 10.0 + 1e-9);
    return std::min<std::size_t>(static_cast<std::size_t>(scaled), k_bins - 1);
}

ShiftDirection shift_direction(panel::Stance from, panel::Stance to, panel::Stance outcome) {
    const int before = std::abs(position(from) - position(outcome));
    const int after = std::abs(position(to) - position(outcome));
    if (after < before) {
        return ShiftDirection::toward;
    }
    if (after > before) {
        return ShiftDirection::away;
    }
    return ShiftDirection::neither;
}

panel::Stance label_for_return(double r, double band) {
    if (r > band) {
        return panel::Stance::bullish;
    }
    if (r < -band) {
        return panel::Stance::bearish;
    }
    return panel::Stance::neutral;
}

void Accuracy::add(bool right) {
    ++n;
    correct += right ? 1 : 0;
}

std::optional<double> Accuracy::value() const {
    return ratio(static_cast<double>(correct), n);
}

std::optional<Interval> Accuracy::ci() const {
    return wilson_interval(correct, n);
}

std::optional<double> CalibrationBin::mean_confidence() const {
    return ratio(confidence_sum, n);
}

std::optional<double> CalibrationBin::accuracy() const {
    return ratio(static_cast<double>(correct), n);
}

std::optional<double> SeatScore::brier() const {
    return ratio(brier_sum, final.n);
}

std::optional<double> PanelScore::brier() const {
    return ratio(brier_sum, brier_n);
}

Score compute(const std::vector<CardRecord>& cards, const Outcomes& outcomes, double band) {
    Score score;
    score.band = band;

    // The last card of each id, in the order ids first appeared.
    std::unordered_map<std::string, std::size_t> last;
    std::vector<std::string> order;
    for (std::size_t i = 0; i < cards.size(); ++i) {
        auto [it, fresh] = last.try_emplace(cards[i].id, i);
        if (fresh) {
            order.push_back(cards[i].id);
        } else {
            it->second = i;
            ++score.articles.duplicates;
            score.articles.duplicate_ids.push_back(cards[i].id);
        }
    }
    score.articles.cards = order.size();
    for (const auto& id : outcomes.ids) {
        if (!last.contains(id)) {
            score.articles.no_card_ids.push_back(id);
        }
    }
    score.articles.no_card = score.articles.no_card_ids.size();

    auto seat_score = [&](const SeatRecord& seat) -> SeatScore& {
        auto it = std::find_if(score.seats.begin(), score.seats.end(),
                               [&](const SeatScore& s) { return s.seat == seat.seat; });
        if (it == score.seats.end()) {
            SeatScore fresh;
            fresh.seat = seat.seat;
            for (std::size_t b = 0; b < k_bins; ++b) {
                fresh.calibration[b].low = static_cast<double>(b) / 10.0;
                fresh.calibration[b].high = static_cast<double>(b + 1) / 10.0;
            }
            score.seats.push_back(std::move(fresh));
            it = std::prev(score.seats.end());
        }
        return *it;
    };
    std::unordered_map<std::string, std::unordered_set<std::string>> models; // seat -> seen

    std::array<std::size_t, 3> outcome_counts{};
    for (const auto& id : order) {
        const CardRecord& card = cards[last.at(id)];
        auto found = outcomes.label_of.find(id);
        for (const auto& seat : card.seats) {
            SeatScore& s = seat_score(seat); // every seat gets a row, scored or not
            if (!seat.model.empty() && models[seat.seat].insert(seat.model).second) {
                s.model += (s.model.empty() ? "" : ", ") + seat.model;
            }
        }
        if (found == outcomes.label_of.end()) {
            score.articles.no_outcome_ids.push_back(id);
            continue;
        }
        const panel::Stance outcome = found->second;
        ++score.articles.scored;
        ++outcome_counts[static_cast<std::size_t>(outcome)];

        for (const auto& seat : card.seats) {
            SeatScore& s = seat_score(seat);
            if (seat.round1) {
                s.round1.add(*seat.round1 == outcome);
            }
            if (seat.final) {
                const bool right = *seat.final == outcome;
                s.final.add(right);
                const double b = brier(*seat.final, seat.final_confidence, outcome);
                s.brier_sum += b;
                score.panel.brier_sum += b;
                ++score.panel.brier_n;
                CalibrationBin& bin = s.calibration[calibration_bin(seat.final_confidence)];
                ++bin.n;
                bin.confidence_sum += clamp01(seat.final_confidence);
                bin.correct += right ? 1 : 0;
            }
            if (seat.round1 && seat.final && *seat.round1 != *seat.final) {
                ++score.panel.shifts;
                switch (shift_direction(*seat.round1, *seat.final, outcome)) {
                case ShiftDirection::toward:
                    ++score.panel.toward_outcome;
                    break;
                case ShiftDirection::away:
                    ++score.panel.away_from_outcome;
                    break;
                case ShiftDirection::neither:
                    break;
                }
            }
        }

        PanelScore& p = score.panel;
        ++p.n;
        if (card.round1_vote) {
            p.round1_vote.add(*card.round1_vote == outcome);
        } else {
            ++p.abstained_round1;
        }
        auto level =
            std::find_if(p.by_agreement.begin(), p.by_agreement.end(),
                         [&](const AgreementScore& a) { return a.votes == card.vote_label; });
        if (level == p.by_agreement.end()) {
            AgreementScore fresh;
            fresh.votes = card.vote_label;
            const auto counts = label_counts(card.vote_label);
            int total = 0;
            for (int c : counts) {
                total += c;
            }
            fresh.agreement =
                total == 0 ? 0.0 : static_cast<double>(counts.front()) / static_cast<double>(total);
            p.by_agreement.push_back(std::move(fresh));
            level = std::prev(p.by_agreement.end());
        }
        if (card.final_vote) {
            const bool right = *card.final_vote == outcome;
            p.final_vote.add(right);
            level->accuracy.add(right);
        } else {
            ++p.abstained;
            ++level->abstained;
        }
    }
    score.articles.no_outcome = score.articles.no_outcome_ids.size();

    std::stable_sort(score.panel.by_agreement.begin(), score.panel.by_agreement.end(),
                     [](const AgreementScore& a, const AgreementScore& b) {
                         if (a.agreement != b.agreement) {
                             return a.agreement > b.agreement;
                         }
                         return label_counts(a.votes) > label_counts(b.votes);
                     });

    if (score.articles.scored > 0) {
        std::size_t best = 0;
        for (std::size_t i = 1; i < outcome_counts.size(); ++i) {
            if (outcome_counts[i] > outcome_counts[best]) {
                best = i;
            }
        }
        score.baseline.label = k_stances[best];
        score.baseline.accuracy.n = score.articles.scored;
        score.baseline.accuracy.correct = outcome_counts[best];
    }
    return score;
}

double round4(double x) {
    // A nudge far below the 4th decimal rounds decimal ties as on paper: 0.34725 / 3 is
    // 0.11574999... in binary and must show as 0.1158, the mean of the figures written down.
    const double nudge = x >= 0.0 ? 1e-7 : -1e-7;
    return std::round(x * 10000.0 + nudge) / 10000.0;
}

} // namespace roundtable::score

#include <algorithm>
#include <fmt/format.h>
#include <roundtable/score/render.hpp>

namespace roundtable::score {

namespace {

std::string figure(std::optional<double> x) {
    return x ? fmt::format("{:.4f}", round4(*x)) : std::string("-");
}

std::string interval(std::optional<Interval> ci) {
    return ci ? fmt::format("[{:.4f}, {:.4f}]", round4(ci->low), round4(ci->high))
              : std::string("-");
}

std::string plural(std::size_t n, std::string_view one, std::string_view many) {
    return fmt::format("{} {}", n, n == 1 ? one : many);
}

// Returns the number of code points of UTF-8 `s`, its width on a terminal for
// the names and figures shown here.
std::size_t width_of(std::string_view s) {
    return static_cast<std::size_t>(std::count_if(
        s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

// Lays out rows of cells in columns separated by two spaces, each column
// left-aligned where `left` says so, else right-aligned.
std::string table(const std::vector<std::vector<std::string>>& rows,
                  const std::vector<bool>& left) {
    std::vector<std::size_t> widths;
    for (const auto& row : rows) {
        widths.resize(std::max(widths.size(), row.size()));
        for (std::size_t c = 0; c < row.size(); ++c) {
            widths[c] = std::max(widths[c], width_of(row[c]));
        }
    }
    std::string out;
    for (const auto& row : rows) {
        std::string line;
        for (std::size_t c = 0; c < row.size(); ++c) {
            if (c > 0) {
                line += "  ";
            }
            const std::string pad(widths[c] - width_of(row[c]), ' ');
            line += c < left.size() && left[c] ? row[c] + pad : pad + row[c];
        }
        while (!line.empty() && line.back() == ' ') {
            line.pop_back();
        }
        out += line + '\n';
    }
    return out;
}

} // namespace

std::string render_text(const Score& score) {
    const ArticleCounts& a = score.articles;
    std::string out = fmt::format("roundtable score: {} of {} scored (returns banded at ±{})\n"
                                  "not scored: {} without an outcome, {} without a card\n",
                                  a.scored, plural(a.cards, "card", "cards"), score.band,
                                  plural(a.no_outcome, "card", "cards"),
                                  plural(a.no_card, "outcome", "outcomes"));
    if (a.failed > 0 || a.duplicates > 0) {
        out += fmt::format("also not scored: {} failed article line{}; {} duplicate card id{} (the "
                           "last card of each id is scored)\n",
                           a.failed, a.failed == 1 ? "" : "s", a.duplicates,
                           a.duplicates == 1 ? "" : "s");
    }
    out += '\n';

    std::vector<std::vector<std::string>> rows{
        {"SEAT", "MODEL", "N", "ROUND 1", "FINAL", "95% CI", "BRIER"}};
    for (const auto& s : score.seats) {
        rows.push_back({s.seat, s.model.empty() ? "-" : s.model, fmt::format("{}", s.final.n),
                        figure(s.round1.value()), figure(s.final.value()), interval(s.final.ci()),
                        figure(s.brier())});
    }
    const PanelScore& p = score.panel;
    rows.push_back({"panel", "vote", fmt::format("{}", p.final_vote.n),
                    figure(p.round1_vote.value()), figure(p.final_vote.value()),
                    interval(p.final_vote.ci()), figure(p.brier())});
    const Baseline& b = score.baseline;
    rows.push_back(
        {"baseline",
         b.label ? fmt::format("always {}", panel::stance_name(*b.label)) : std::string("-"),
         fmt::format("{}", b.accuracy.n), "-", figure(b.accuracy.value()),
         interval(b.accuracy.ci()), "-"});
    out += table(rows, {true, true, false, false, false, true, false});
    out += "\nROUND 1 and FINAL: share of stances that matched the outcome (for the panel, its\n"
           "vote; a split vote abstains). BRIER: 0 best, 2 worst (the panel row pools every\n"
           "seat's final stance).\n";

    out += fmt::format("\nPANEL\nfinal vote: {} scored, {} split (abstained); round-1 vote: {} "
                       "scored, {} split\n",
                       p.final_vote.n, p.abstained, p.round1_vote.n, p.abstained_round1);
    out += fmt::format("shifts in the rebuttal round: {} ({} toward the outcome, {} away)\n",
                       p.shifts, p.toward_outcome, p.away_from_outcome);

    if (!p.by_agreement.empty()) {
        out += "\nBY AGREEMENT (final vote)\n";
        std::vector<std::vector<std::string>> levels{{"VOTE", "N", "ACCURACY", "SPLIT"}};
        for (const auto& level : p.by_agreement) {
            levels.push_back({level.votes, fmt::format("{}", level.accuracy.n),
                              figure(level.accuracy.value()), fmt::format("{}", level.abstained)});
        }
        out += table(levels, {true, false, false, false});
    }

    std::vector<std::vector<std::string>> bins{
        {"SEAT", "CONFIDENCE", "N", "MEAN CONF", "ACCURACY"}};
    for (const auto& s : score.seats) {
        bool first = true;
        for (const auto& bin : s.calibration) {
            if (bin.n == 0) {
                continue;
            }
            bins.push_back({first ? s.seat : "", fmt::format("{:.1f}-{:.1f}", bin.low, bin.high),
                            fmt::format("{}", bin.n), figure(bin.mean_confidence()),
                            figure(bin.accuracy())});
            first = false;
        }
    }
    if (bins.size() > 1) {
        out += "\nCALIBRATION (final confidence in bins of 0.1)\n";
        out += table(bins, {true, true, false, false, false});
    }
    return out;
}

} // namespace roundtable::score

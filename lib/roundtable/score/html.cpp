#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <roundtable/render/render.hpp>
#include <roundtable/score/render.hpp>

namespace roundtable::score {

namespace {

std::string escape(std::string_view s) {
    return render::html_escape(s);
}

std::string figure(std::optional<double> x) {
    return x ? fmt::format("{:.4f}", round4(*x)) : std::string("-");
}

std::string interval(std::optional<Interval> ci) {
    return ci ? fmt::format("{:.4f}&ndash;{:.4f}", round4(ci->low), round4(ci->high))
              : std::string("-");
}

constexpr const char* k_round1_colour = "#9bb7d4";
constexpr const char* k_final_colour = "#2b5d8a";
constexpr const char* k_baseline_colour = "#c98a00";

// A labelled row of the bar charts: up to two accuracies (round 1, final).
struct Bars {
    std::string label;
    std::optional<double> round1;
    std::optional<double> final;
    std::string note; // after the bars, e.g. "n=12"
};

// Draws horizontal bars, one or two per row, on a 0-1 scale with the baseline as a
// dashed line; `css_class` names the chart for tests and styles.
std::string bar_chart(const std::string& css_class, const std::string& label,
                      const std::vector<Bars>& rows, bool two, std::optional<double> baseline) {
    constexpr double k_left = 130.0, k_span = 300.0, k_bar = 14.0;
    const double row_height = two ? 2 * k_bar + 10 : k_bar + 10;
    const double height = 30.0 + row_height * static_cast<double>(rows.size()) + 24.0;
    std::string out = fmt::format(
        "<svg class=\"{}\" xmlns=\"http://www.w3.org/2000/svg\" width=\"560\" height=\"{:.0f}\" "
        "role=\"img\" aria-label=\"{}\">\n",
        css_class, height, escape(label));
    const double axis_bottom = 20.0 + row_height * static_cast<double>(rows.size());
    for (double tick : {0.0, 0.25, 0.5, 0.75, 1.0}) {
        const double x = k_left + tick * k_span;
        out += fmt::format("<line x1=\"{0:.1f}\" y1=\"14\" x2=\"{0:.1f}\" y2=\"{1:.1f}\" "
                           "stroke=\"#ddd\"/><text x=\"{0:.1f}\" y=\"{2:.1f}\" font-size=\"11\" "
                           "text-anchor=\"middle\">{3}</text>\n",
                           x, axis_bottom, axis_bottom + 14, tick);
    }
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const Bars& row = rows[i];
        const double y = 20.0 + row_height * static_cast<double>(i);
        out += fmt::format("<text x=\"0\" y=\"{:.1f}\" font-size=\"13\">{}</text>\n",
                           y + (two ? k_bar + 4 : k_bar - 2), escape(row.label));
        auto bar = [&](std::optional<double> value, double top, const char* colour,
                       std::string_view what) {
            if (!value) {
                out +=
                    fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"11\">{}: -</text>\n",
                                k_left + 4, top + k_bar - 3, what);
                return;
            }
            const double w = std::max(0.0, std::min(1.0, *value)) * k_span;
            out += fmt::format("<rect class=\"bar\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" "
                               "height=\"{:.0f}\" fill=\"{}\"><title>{} {}: {:.4f}</title></rect>"
                               "<text x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"11\">{:.4f}</text>\n",
                               k_left, top, w, k_bar, colour, escape(row.label), what,
                               round4(*value), k_left + w + 4, top + k_bar - 3, round4(*value));
        };
        if (two) {
            bar(row.round1, y, k_round1_colour, "round 1");
            bar(row.final, y + k_bar, k_final_colour, "final");
        } else {
            bar(row.final, y, k_final_colour, "accuracy");
        }
        if (!row.note.empty()) {
            out += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"11\" "
                               "fill=\"#555\">{}</text>\n",
                               k_left + k_span + 50, y + (two ? k_bar + 4 : k_bar - 3),
                               escape(row.note));
        }
    }
    if (baseline) {
        const double x = k_left + std::clamp(*baseline, 0.0, 1.0) * k_span;
        out += fmt::format("<line class=\"baseline\" x1=\"{0:.1f}\" y1=\"14\" x2=\"{0:.1f}\" "
                           "y2=\"{1:.1f}\" stroke=\"{2}\" stroke-width=\"2\" "
                           "stroke-dasharray=\"5 3\"><title>baseline {3:.4f}</title></line>\n",
                           x, axis_bottom, k_baseline_colour, round4(*baseline));
    }
    out += "</svg>\n";
    return out;
}

// A reliability diagram: mean confidence (x) against accuracy (y) per non-empty
// bin, dot area growing with n, and the diagonal of perfect calibration.
std::string reliability_diagram(const SeatScore& seat) {
    constexpr double k_x0 = 36.0, k_y0 = 10.0, k_size = 180.0;
    auto px = [&](double c) { return k_x0 + std::clamp(c, 0.0, 1.0) * k_size; };
    auto py = [&](double a) { return k_y0 + k_size - std::clamp(a, 0.0, 1.0) * k_size; };
    std::string out =
        fmt::format("<svg class=\"reliability\" xmlns=\"http://www.w3.org/2000/svg\" width=\"230\" "
                    "height=\"236\" role=\"img\" aria-label=\"reliability diagram of {}\">\n",
                    escape(seat.seat));
    out += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" "
                       "stroke=\"#999\"/>\n",
                       k_x0, k_y0, k_size, k_size);
    out += fmt::format("<line class=\"diagonal\" x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" "
                       "y2=\"{:.1f}\" stroke=\"#999\" stroke-dasharray=\"4 3\"/>\n",
                       px(0), py(0), px(1), py(1));
    for (double tick : {0.0, 0.5, 1.0}) {
        out += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"10\" "
                           "text-anchor=\"middle\">{}</text>"
                           "<text x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"10\" "
                           "text-anchor=\"end\">{}</text>\n",
                           px(tick), k_y0 + k_size + 13, tick, k_x0 - 4, py(tick) + 4, tick);
    }
    out += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"11\" "
                       "text-anchor=\"middle\">confidence</text>"
                       "<text x=\"10\" y=\"{:.1f}\" font-size=\"11\" text-anchor=\"middle\" "
                       "transform=\"rotate(-90 10 {:.1f})\">accuracy</text>\n",
                       px(0.5), k_y0 + k_size + 26, py(0.5), py(0.5));
    std::string points;
    std::string dots;
    for (const auto& bin : seat.calibration) {
        if (bin.n == 0) {
            continue;
        }
        const double x = px(*bin.mean_confidence());
        const double y = py(*bin.accuracy());
        points += fmt::format("{}{:.1f},{:.1f}", points.empty() ? "" : " ", x, y);
        const double r = std::min(12.0, 3.0 + 1.5 * std::sqrt(static_cast<double>(bin.n)));
        dots += fmt::format("<circle class=\"bin\" cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"{:.1f}\" "
                            "fill=\"{}\" fill-opacity=\"0.8\"><title>{:.1f}-{:.1f}: n={}, mean "
                            "confidence {:.4f}, accuracy {:.4f}</title></circle>\n",
                            x, y, r, k_final_colour, bin.low, bin.high, bin.n,
                            round4(*bin.mean_confidence()), round4(*bin.accuracy()));
    }
    if (!points.empty()) {
        out += fmt::format("<polyline points=\"{}\" fill=\"none\" stroke=\"{}\"/>\n", points,
                           k_final_colour);
    }
    out += dots;
    out += "</svg>\n";
    return out;
}

} // namespace

std::string html_style() {
    return R"(
section.score table{border-collapse:collapse;margin:1rem 0}
section.score th,section.score td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left}
section.score th{background:#f3f3f3}section.score td.num{text-align:right}
section.score figure{display:inline-block;margin:0 1rem 1rem 0;vertical-align:top}
section.score figcaption{font-size:.9rem;text-align:center}
section.score .legend span{display:inline-block;width:.8rem;height:.8rem;margin:0 .3rem 0 1rem}
section.score p.note{color:#555;font-size:.9rem}
)";
}

std::string html_sections(const Score& score) {
    const ArticleCounts& a = score.articles;
    const PanelScore& p = score.panel;
    const Baseline& b = score.baseline;
    std::string out = "<section class=\"score\" id=\"score\">\n";
    out += "<h2 id=\"score-summary\">Score against outcomes</h2>\n";
    out += fmt::format("<p>{} cards, {} scored, {} without an outcome, {} outcomes without a card; "
                       "returns mapped at a band of &plusmn;{}.{}</p>\n",
                       a.cards, a.scored, a.no_outcome, a.no_card, score.band,
                       a.failed > 0
                           ? fmt::format(" {} failed article lines were not scored.", a.failed)
                           : std::string());
    out += "<table class=\"score\">\n<tr><th>seat</th><th>model</th><th>n</th><th>round 1</th>"
           "<th>final</th><th>95% CI</th><th>Brier</th></tr>\n";
    auto row = [&](const std::string& seat, const std::string& model, std::size_t n,
                   const std::string& r1, const std::string& fin, const std::string& ci,
                   const std::string& brier) {
        out += fmt::format("<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td "
                           "class=\"num\">{}</td><td class=\"num\">{}</td><td "
                           "class=\"num\">{}</td><td class=\"num\">{}</td></tr>\n",
                           escape(seat), escape(model), n, r1, fin, ci, brier);
    };
    for (const auto& s : score.seats) {
        row(s.seat, s.model, s.final.n, figure(s.round1.value()), figure(s.final.value()),
            interval(s.final.ci()), figure(s.brier()));
    }
    row("panel", "vote", p.final_vote.n, figure(p.round1_vote.value()),
        figure(p.final_vote.value()), interval(p.final_vote.ci()), figure(p.brier()));
    row("baseline",
        b.label ? fmt::format("always {}", panel::stance_name(*b.label)) : std::string("-"),
        b.accuracy.n, "-", figure(b.accuracy.value()), interval(b.accuracy.ci()), "-");
    out += "</table>\n";
    out += fmt::format(
        "<p class=\"note\">Round 1 and final: share of stances that matched the outcome (the "
        "panel: its vote; {} split final votes and {} split round-1 votes abstained). Brier: 0 "
        "best, 2 worst; the panel row pools every seat. In the rebuttal round a seat changed "
        "stance {} time{}: {} toward the outcome, {} away.</p>\n",
        p.abstained, p.abstained_round1, p.shifts, p.shifts == 1 ? "" : "s", p.toward_outcome,
        p.away_from_outcome);

    out += "<h2 id=\"score-rounds\">Round 1 vs final accuracy</h2>\n";
    out += fmt::format("<p class=\"legend\"><span style=\"background:{}\"></span>round 1"
                       "<span style=\"background:{}\"></span>final"
                       "<span style=\"background:{}\"></span>baseline (always {})</p>\n",
                       k_round1_colour, k_final_colour, k_baseline_colour,
                       b.label ? panel::stance_name(*b.label) : "-");
    std::vector<Bars> rounds;
    for (const auto& s : score.seats) {
        rounds.push_back(
            {s.seat, s.round1.value(), s.final.value(), fmt::format("n={}", s.final.n)});
    }
    rounds.push_back({"panel vote", p.round1_vote.value(), p.final_vote.value(),
                      fmt::format("n={}", p.final_vote.n)});
    out += bar_chart("rounds", "round 1 vs final accuracy", rounds, true, b.accuracy.value());

    out += "<h2 id=\"score-agreement\">Accuracy by agreement</h2>\n";
    std::vector<Bars> levels;
    for (const auto& level : p.by_agreement) {
        levels.push_back(
            {level.votes, std::nullopt, level.accuracy.value(),
             fmt::format("n={}{}", level.accuracy.n,
                         level.abstained > 0 ? fmt::format(", {} split", level.abstained)
                                             : std::string())});
    }
    if (levels.empty()) {
        out += "<p>nothing scored</p>\n";
    } else {
        out += bar_chart("agreement", "accuracy of the final vote by agreement level", levels,
                         false, b.accuracy.value());
    }

    out += "<h2 id=\"score-reliability\">Reliability of each seat's confidence</h2>\n";
    out += "<p class=\"note\">Final confidence in bins of 0.1 against the share of right "
           "answers; dots on the dashed diagonal are well calibrated, below it overconfident. "
           "Dot size grows with the number of answers.</p>\n";
    for (const auto& s : score.seats) {
        out +=
            fmt::format("<figure>\n{}<figcaption>{} ({}) &middot; Brier {}</figcaption>\n"
                        "</figure>\n",
                        reliability_diagram(s), escape(s.seat), escape(s.model), figure(s.brier()));
    }
    out += "<table class=\"calibration\">\n<tr><th>seat</th><th>confidence</th><th>n</th>"
           "<th>mean confidence</th><th>accuracy</th></tr>\n";
    for (const auto& s : score.seats) {
        for (const auto& bin : s.calibration) {
            if (bin.n == 0) {
                continue;
            }
            out += fmt::format("<tr><td>{}</td><td>{:.1f}&ndash;{:.1f}</td><td "
                               "class=\"num\">{}</td><td class=\"num\">{}</td><td "
                               "class=\"num\">{}</td></tr>\n",
                               escape(s.seat), bin.low, bin.high, bin.n,
                               figure(bin.mean_confidence()), figure(bin.accuracy()));
        }
    }
    out += "</table>\n</section>\n";
    return out;
}

std::string render_html(const Score& score) {
    std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                      "<title>roundtable score</title>\n<style>\n"
                      "body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:72rem;"
                      "padding:0 1rem;color:#222}";
    out += html_style();
    out += "</style>\n</head>\n<body>\n<h1>roundtable score</h1>\n";
    out += html_sections(score);
    out += "</body>\n</html>\n";
    return out;
}

} // namespace roundtable::score

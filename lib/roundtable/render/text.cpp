#include <fmt/format.h>
#include <roundtable/render/common.hpp>
#include <roundtable/render/render.hpp>
#include <roundtable/render/wrap.hpp>

namespace roundtable::render {

namespace {

constexpr std::string_view k_bold = "\x1b[1m";
constexpr std::string_view k_dim = "\x1b[2m";
constexpr std::string_view k_red = "\x1b[31m";
constexpr std::string_view k_green = "\x1b[32m";
constexpr std::string_view k_yellow = "\x1b[33m";
constexpr std::string_view k_magenta = "\x1b[35m";
constexpr std::string_view k_reset = "\x1b[0m";

// Accumulates wrapped lines of the card; colour codes only when asked for.
class TextWriter {
public:
    TextWriter(bool color, int width) : m_color(color), m_width(width) {}

    std::string paint(std::string_view text, std::string_view code) const {
        if (!m_color || text.empty()) {
            return std::string(text);
        }
        return fmt::format("{}{}{}", code, text, k_reset);
    }

    std::string stance(panel::Stance stance) const {
        return paint(stance_upper(stance), stance_color(stance));
    }

    std::string consensus_stance(const panel::Consensus& consensus) const {
        if (!consensus.stance) {
            return paint(consensus_upper(consensus), k_magenta);
        }
        return stance(*consensus.stance);
    }

    void lines(std::string_view text, std::string_view first_indent = {},
               std::string_view rest_indent = {}) {
        for (const std::string& line : wrap(text, m_width, first_indent, rest_indent)) {
            m_out += line;
            m_out += '\n';
        }
    }

    void bullet(std::string_view text, std::string_view indent) {
        const std::string first = fmt::format("{}• ", indent);
        const std::string rest = fmt::format("{}  ", indent);
        lines(text, first, rest);
    }

    void heading(std::string_view title) {
        blank();
        lines(paint(title, k_bold));
    }

    void blank() {
        if (!m_out.empty() && !m_out.ends_with("\n\n")) {
            m_out += '\n';
        }
    }

    void rule() {
        blank();
        std::string line;
        for (int i = 0; i < m_width; ++i) {
            line += "─";
        }
        m_out += paint(line, k_dim);
        m_out += '\n';
    }

    std::string take() { return trim_line_ends(m_out); }

private:
    static std::string_view stance_color(panel::Stance stance) {
        switch (stance) {
        case panel::Stance::bearish:
            return k_red;
        case panel::Stance::bullish:
            return k_green;
        case panel::Stance::neutral:
            return k_yellow;
        }
        return k_yellow;
    }

    bool m_color;
    int m_width;
    std::string m_out;
};

void write_header(TextWriter& w, const panel::Card& card) {
    w.lines(w.paint(card.article.title.empty() ? "(untitled)" : card.article.title, k_bold));
    if (const std::string credits = article_credits(card.article); !credits.empty()) {
        w.lines(credits);
    }
    w.lines(fmt::format("source: {}", card.article.source.empty() ? "stdin" : card.article.source),
            "", "        ");
    std::string size =
        fmt::format("{} chars", group_thousands(static_cast<std::int64_t>(card.article.chars)));
    if (!card.article.sha256.empty()) {
        size += fmt::format(" · sha256 {}", short_hash(card.article.sha256));
    }
    w.lines(size);
    if (card.offline) {
        w.lines(fmt::format("panel: {}", k_offline_label));
    }
}

void write_consensus(TextWriter& w, const panel::Card& card) {
    const panel::Consensus& c = card.consensus;
    w.heading("CONSENSUS");
    std::string line = fmt::format("{} · vote {} · agreement {}", w.consensus_stance(c),
                                   c.vote_label(), percent(c.agreement));
    if (const auto round1 = initial_vote_label(c)) {
        line += fmt::format(" · round 1 vote {}", *round1);
    }
    w.lines(line);
    if (card.offline) {
        w.lines(fmt::format("by {}", k_offline_label));
    }
    if (!c.synthesized) {
        w.lines(w.paint(k_not_synthesized, k_bold));
        if (!c.chair_error.empty()) {
            w.lines(fmt::format("chair synthesis failed: {}", c.chair_error), "", "  ");
        }
    } else if (!c.chair.empty()) {
        w.lines(fmt::format("synthesis by {}", c.chair));
    }
    w.lines(c.summary);
}

std::string section_title(std::string_view name, const panel::Consensus& consensus) {
    if (consensus.synthesized) {
        return std::string(name);
    }
    return fmt::format("{} — {}", name, k_not_synthesized);
}

void write_take(TextWriter& w, const panel::Card& card, const panel::Take& take) {
    w.blank();
    std::string label = w.paint(take.seat, k_bold);
    if (const panel::SeatStatus* seat = find_seat(card, take.seat);
        seat != nullptr && !seat->model.empty()) {
        label += fmt::format(" · {}", seat->model);
    }
    label += fmt::format(" · {} · confidence {:.2f}", w.stance(take.stance), take.confidence);
    w.lines(label, "", "  ");
    w.lines(w.paint(take.headline, k_bold), "  ", "  ");
    w.lines(take.analysis, "  ", "  ");
    if (!take.counterpoint.empty()) {
        w.lines(fmt::format("Counterpoint: {}", take.counterpoint), "  ", "  ");
    }
    if (!take.evidence.empty()) {
        w.lines("Evidence:", "  ");
        for (const std::string& quote : take.evidence) {
            w.bullet(fmt::format("“{}”", quote), "    ");
        }
    }
}

void write_rebuttal(TextWriter& w, const panel::Card& card, const panel::Rebuttal& rebuttal) {
    w.blank();
    std::string label = w.paint(rebuttal.seat, k_bold);
    label += fmt::format(" → {}", rebuttal.responds_to.empty() ? "the panel"
                                                               : join(rebuttal.responds_to, ", "));
    w.lines(label, "", "  ");
    w.lines(w.paint(rebuttal.headline, k_bold), "  ", "  ");
    w.lines(rebuttal.text, "  ", "  ");
    if (const auto from = shifted_from(card, rebuttal)) {
        w.lines(fmt::format("stance after: {} → {}{}", panel::stance_name(*from),
                            w.paint(panel::stance_name(rebuttal.stance_after), k_bold),
                            shifted_without_evidence(card, rebuttal.seat) ? k_no_new_evidence : ""),
                "  ", "  ");
    } else {
        w.lines(fmt::format("stance after: {} (held)", w.stance(rebuttal.stance_after)), "  ",
                "  ");
    }
}

void write_guards(TextWriter& w, const panel::Card& card) {
    w.heading("GUARDS");
    for (const panel::SeatStatus& seat : card.seats) {
        if (!seat.ok) {
            continue;
        }
        const std::vector<std::string> claims = ungrounded_of(card, seat.seat);
        w.lines(fmt::format("{}: {}", seat.seat,
                            ungrounded_summary(claims.size(), checked_of(card, seat.seat))),
                "", "  ");
        for (const std::string& claim : claims) {
            w.bullet(claim, "  ");
        }
    }
    if (card.consensus.synthesized || !card.consensus.ungrounded.empty()) {
        w.lines(fmt::format("synthesis: {}", ungrounded_summary(card.consensus.ungrounded.size(),
                                                                card.consensus.claims_checked)),
                "", "  ");
        for (const std::string& claim : card.consensus.ungrounded) {
            w.bullet(claim, "  ");
        }
    }
    if (!card.injections.empty()) {
        w.lines(injections_summary(card), "", "  ");
        for (const panel::Injection& injection : card.injections) {
            w.bullet(injection.text + echo_note(injection), "  ");
        }
    }
}

void write_footer(TextWriter& w, const panel::Card& card) {
    w.rule();
    if (!card.methodology.empty()) {
        w.lines(card.methodology);
    }
    w.lines(usage_line(card.usage), "", "  ");
    for (const panel::SeatStatus& seat : card.seats) {
        if (!seat.ok) {
            w.lines(fmt::format("failed: {} ({}, {}): {}", seat.seat, seat.provider, seat.model,
                                seat.error.empty() ? "no reason given" : seat.error),
                    "", "  ");
        }
        for (const std::string& note : seat.notes) {
            w.lines(fmt::format("{}: {}", seat.seat, note), "", "  ");
        }
    }
}

} // namespace

std::string render_text(const panel::Card& card, bool color, int width) {
    TextWriter w(color, width);
    write_header(w, card);
    write_consensus(w, card);
    w.heading(section_title("RISK", card.consensus));
    w.lines(card.consensus.risk);
    w.heading(section_title("OPPORTUNITY", card.consensus));
    w.lines(card.consensus.opportunity);
    w.heading("TAKES");
    if (card.takes.empty()) {
        w.lines("no takes", "  ");
    }
    for (const panel::Take& take : card.takes) {
        write_take(w, card, take);
    }
    w.heading("REBUTTALS");
    if (card.rebuttals.empty()) {
        w.lines("no rebuttal round", "  ");
    }
    for (const panel::Rebuttal& rebuttal : card.rebuttals) {
        write_rebuttal(w, card, rebuttal);
    }
    write_guards(w, card);
    write_footer(w, card);
    return w.take();
}

} // namespace roundtable::render

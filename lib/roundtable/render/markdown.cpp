#include <cctype>
#include <fmt/format.h>
#include <roundtable/render/common.hpp>
#include <roundtable/render/render.hpp>

namespace roundtable::render {

namespace {

// Characters that start emphasis, code, links, raw HTML or table cells anywhere in a line.
constexpr std::string_view k_inline_special = "\\`*_[]<>|~";

// Returns one line of `text` with inline Markdown syntax escaped and a leading block
// marker ('#', '>', '-', '+', '=', "1." or "1)") neutralized.
std::string escape_line(std::string_view line) {
    std::string out;
    std::size_t start = 0;
    while (start < line.size() && line[start] == ' ') {
        ++start;
    }
    line.remove_prefix(start);
    if (!line.empty() &&
        (line[0] == '#' || line[0] == '>' || line[0] == '-' || line[0] == '+' || line[0] == '=')) {
        out += '\\';
        out += line[0];
        line.remove_prefix(1);
    } else {
        std::size_t digits = 0;
        while (digits < line.size() &&
               std::isdigit(static_cast<unsigned char>(line[digits])) != 0) {
            ++digits;
        }
        if (digits > 0 && digits < line.size() && (line[digits] == '.' || line[digits] == ')')) {
            out += line.substr(0, digits);
            out += '\\';
            line.remove_prefix(digits);
        }
    }
    for (const char c : line) {
        if (k_inline_special.find(c) != std::string_view::npos) {
            out += '\\';
        }
        out += c;
    }
    return out;
}

// Returns `text` as Markdown text that renders literally, all on one line.
std::string md(std::string_view text) {
    std::string flat;
    bool space = false;
    for (const char c : text) {
        if (c == '\n' || c == '\r' || c == '\t') {
            space = true;
            continue;
        }
        if (space && !flat.empty()) {
            flat += ' ';
        }
        space = false;
        flat += c;
    }
    return escape_line(flat);
}

// Returns `text` as Markdown paragraphs that render literally (line breaks kept).
std::string md_block(std::string_view text, std::string_view line_prefix = {}) {
    std::string out;
    std::size_t start = 0;
    while (start <= text.size()) {
        const std::size_t newline = text.find('\n', start);
        const std::string_view line = text.substr(
            start, newline == std::string_view::npos ? std::string_view::npos : newline - start);
        std::string escaped = escape_line(line);
        while (!escaped.empty() && (escaped.back() == ' ' || escaped.back() == '\r')) {
            escaped.pop_back();
        }
        if (escaped.empty()) {
            std::string_view bare = line_prefix;
            while (!bare.empty() && bare.back() == ' ') {
                bare.remove_suffix(1);
            }
            out += bare;
        } else {
            out += line_prefix;
            out += escaped;
        }
        if (newline == std::string_view::npos) {
            break;
        }
        out += '\n';
        start = newline + 1;
    }
    while (!out.empty() && out.back() == ' ') {
        out.pop_back();
    }
    return out;
}

void paragraph(std::string& out, std::string_view text) {
    if (text.empty()) {
        return;
    }
    out += text;
    out += "\n\n";
}

std::string section_title(std::string_view name, const panel::Consensus& consensus) {
    if (consensus.synthesized) {
        return std::string(name);
    }
    return fmt::format("{} — {}", name, k_not_synthesized);
}

void write_header(std::string& out, const panel::Card& card) {
    paragraph(out, "# " + md(card.article.title.empty() ? "(untitled)" : card.article.title));
    if (const std::string credits = article_credits(card.article); !credits.empty()) {
        paragraph(out, "*" + md(credits) + "*");
    }
    std::string meta = fmt::format("**Source:** {} · {} chars",
                                   md(card.article.source.empty() ? "stdin" : card.article.source),
                                   group_thousands(static_cast<std::int64_t>(card.article.chars)));
    if (!card.article.sha256.empty()) {
        meta += fmt::format(" · sha256 `{}`", md(short_hash(card.article.sha256)));
    }
    paragraph(out, meta);
    if (card.offline) {
        paragraph(out, fmt::format("> **Panel:** {}", k_offline_label));
    }
}

void write_consensus(std::string& out, const panel::Card& card) {
    const panel::Consensus& c = card.consensus;
    paragraph(out, fmt::format("## Consensus: {}", consensus_upper(c)));
    std::string vote =
        fmt::format("**Vote** {} · **agreement** {}", c.vote_label(), percent(c.agreement));
    if (const auto round1 = initial_vote_label(c)) {
        vote += fmt::format(" · round 1 vote {}", *round1);
    }
    if (card.offline) {
        vote += fmt::format(" · by {}", k_offline_label);
    }
    paragraph(out, vote);
    if (!c.synthesized) {
        paragraph(out, fmt::format("### {}", k_not_synthesized));
        if (!c.chair_error.empty()) {
            paragraph(out, fmt::format("*Chair synthesis failed:* {}", md(c.chair_error)));
        }
    } else if (!c.chair.empty()) {
        paragraph(out, fmt::format("*Synthesis by {}.*", md(c.chair)));
    }
    paragraph(out, md_block(c.summary));
}

void write_seat_table(std::string& out, const panel::Card& card) {
    out += "| Seat | Provider | Model | Status | Stance | Confidence |\n";
    out += "|---|---|---|---|---|---|\n";
    for (const panel::SeatStatus& seat : card.seats) {
        const panel::Take* take = find_take(card, seat.seat);
        out += fmt::format("| {} | {} | {} | {} | {} | {} |\n", md(seat.seat), md(seat.provider),
                           md(seat.model), seat.ok ? "ok" : "failed",
                           take != nullptr ? stance_upper(take->stance) : "—",
                           take != nullptr ? fmt::format("{:.2f}", take->confidence) : "—");
    }
    out += '\n';
}

void write_take(std::string& out, const panel::Card& card, const panel::Take& take) {
    std::string title = fmt::format("### {}", md(take.seat));
    if (const panel::SeatStatus* seat = find_seat(card, take.seat);
        seat != nullptr && !seat->model.empty()) {
        title += fmt::format(" · {}", md(seat->model));
    }
    title += fmt::format(" · {} · confidence {:.2f}", stance_upper(take.stance), take.confidence);
    paragraph(out, title);
    if (!take.headline.empty()) {
        paragraph(out, fmt::format("**{}**", md(take.headline)));
    }
    paragraph(out, md_block(take.analysis));
    if (!take.counterpoint.empty()) {
        paragraph(out, fmt::format("*Counterpoint:* {}", md(take.counterpoint)));
    }
    if (!take.evidence.empty()) {
        paragraph(out, "*Evidence:*");
        for (const std::string& quote : take.evidence) {
            paragraph(out, md_block(fmt::format("“{}”", quote), "> "));
        }
    }
}

void write_rebuttal(std::string& out, const panel::Card& card, const panel::Rebuttal& rebuttal) {
    std::vector<std::string> targets;
    for (const std::string& name : rebuttal.responds_to) {
        targets.push_back(md(name));
    }
    paragraph(out, fmt::format("### {} → {}", md(rebuttal.seat),
                               targets.empty() ? "the panel" : join(targets, ", ")));
    if (!rebuttal.headline.empty()) {
        paragraph(out, fmt::format("**{}**", md(rebuttal.headline)));
    }
    paragraph(out, md_block(rebuttal.text));
    if (const auto from = shifted_from(card, rebuttal)) {
        paragraph(out, fmt::format("*Stance after:* {} → **{}**{}", panel::stance_name(*from),
                                   panel::stance_name(rebuttal.stance_after),
                                   shifted_without_evidence(card, rebuttal.seat) ? k_no_new_evidence
                                                                                 : ""));
    } else {
        paragraph(out, fmt::format("*Stance after:* {} (held)",
                                   panel::stance_name(rebuttal.stance_after)));
    }
}

void write_guards(std::string& out, const panel::Card& card) {
    paragraph(out, "## Guards");
    std::string list;
    for (const panel::SeatStatus& seat : card.seats) {
        if (!seat.ok) {
            continue;
        }
        const std::vector<std::string> claims = ungrounded_of(card, seat.seat);
        list += fmt::format("- **{}:** {}\n", md(seat.seat),
                            ungrounded_summary(claims.size(), checked_of(card, seat.seat)));
        for (const std::string& claim : claims) {
            list += fmt::format("  - {}\n", md(claim));
        }
    }
    if (card.consensus.synthesized || !card.consensus.ungrounded.empty()) {
        list += fmt::format(
            "- **synthesis:** {}\n",
            ungrounded_summary(card.consensus.ungrounded.size(), card.consensus.claims_checked));
        for (const std::string& claim : card.consensus.ungrounded) {
            list += fmt::format("  - {}\n", md(claim));
        }
    }
    if (!card.injections.empty()) {
        list += fmt::format("- **{}**\n", md(injections_summary(card)));
        for (const panel::Injection& injection : card.injections) {
            list += fmt::format("  - {}{}\n", md(injection.text), md(echo_note(injection)));
        }
    }
    if (!list.empty()) {
        out += list;
        out += '\n';
    }
}

void write_footer(std::string& out, const panel::Card& card) {
    paragraph(out, "---");
    if (!card.methodology.empty()) {
        paragraph(out, md(card.methodology));
    }
    paragraph(out, md(usage_line(card.usage)));
    std::string failed;
    std::string notes;
    for (const panel::SeatStatus& seat : card.seats) {
        if (!seat.ok) {
            failed +=
                fmt::format("- {} ({}, {}): {}\n", md(seat.seat), md(seat.provider), md(seat.model),
                            seat.error.empty() ? "no reason given" : md(seat.error));
        }
        for (const std::string& note : seat.notes) {
            notes += fmt::format("- {}: {}\n", md(seat.seat), md(note));
        }
    }
    if (!failed.empty()) {
        paragraph(out, "**Failed seats:**");
        out += failed;
        out += '\n';
    }
    if (!notes.empty()) {
        paragraph(out, "**Notes:**");
        out += notes;
        out += '\n';
    }
}

} // namespace

std::string render_markdown(const panel::Card& card) {
    std::string out;
    write_header(out, card);
    write_consensus(out, card);
    paragraph(out, "## " + section_title("Risk", card.consensus));
    paragraph(out, md_block(card.consensus.risk));
    paragraph(out, "## " + section_title("Opportunity", card.consensus));
    paragraph(out, md_block(card.consensus.opportunity));
    paragraph(out, "## Takes");
    write_seat_table(out, card);
    for (const panel::Take& take : card.takes) {
        write_take(out, card, take);
    }
    paragraph(out, "## Rebuttals");
    if (card.rebuttals.empty()) {
        paragraph(out, "*No rebuttal round.*");
    }
    for (const panel::Rebuttal& rebuttal : card.rebuttals) {
        write_rebuttal(out, card, rebuttal);
    }
    write_guards(out, card);
    write_footer(out, card);
    while (out.ends_with("\n\n")) {
        out.pop_back();
    }
    return out;
}

} // namespace roundtable::render

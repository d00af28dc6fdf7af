#include <fmt/format.h>
#include <roundtable/render/common.hpp>
#include <roundtable/render/render.hpp>

namespace roundtable::render {

namespace {

constexpr std::string_view k_style = R"css(
:root { color-scheme: light dark; --fg: #1d1f23; --bg: #ffffff; --muted: #5f6670; --line: #d9dde3;
  --bearish: #b3261e; --neutral: #8a6d00; --bullish: #1e7b34; --split: #6b3fa0; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6e8eb; --bg: #16181c; --muted: #9aa1ab; --line: #30343b;
  --bearish: #ff8a80; --neutral: #f2c94c; --bullish: #7ee2a0; --split: #c6a4f5; } }
body { margin: 0; background: var(--bg); color: var(--fg);
  font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
main { max-width: 52rem; margin: 0 auto; padding: 2rem 1.25rem 3rem; }
h1 { font-size: 1.6rem; line-height: 1.25; margin: 0 0 .5rem; }
h2 { font-size: 1.2rem; margin: 2rem 0 .6rem; padding-bottom: .25rem; border-bottom: 1px solid var(--line); }
h3 { font-size: 1.02rem; margin: 1.4rem 0 .3rem; }
.meta, .muted, footer { color: var(--muted); font-size: .92rem; }
.offline { display: inline-block; padding: .2rem .6rem; border: 1px solid var(--line); border-radius: .4rem; }
.badge { display: inline-block; padding: .05rem .55rem; border-radius: 1rem; color: var(--bg);
  font-size: .85rem; font-weight: 700; letter-spacing: .04em; vertical-align: middle; }
.badge.bearish { background: var(--bearish); } .badge.neutral { background: var(--neutral); }
.badge.bullish { background: var(--bullish); } .badge.split { background: var(--split); }
.notice { font-weight: 700; }
blockquote { margin: .4rem 0; padding: .1rem .9rem; border-left: 3px solid var(--line); color: var(--muted); }
table { border-collapse: collapse; width: 100%; font-size: .92rem; }
th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid var(--line); }
code { font-size: .88em; }
details.matches { margin: .3rem 0 .6rem; } details.matches summary { color: var(--muted); cursor: pointer; }
)css";

// Returns `text` with &, <, >, " and ' replaced by character references.
std::string esc(std::string_view text) {
    std::string out;
    out.reserve(text.size() + text.size() / 8);
    for (const char c : text) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        case '\'':
            out += "&#39;";
            break;
        default:
            out += c;
        }
    }
    return out;
}

std::string badge(std::string_view css_class, std::string_view label) {
    return fmt::format(R"(<span class="badge {}">{}</span>)", css_class, label);
}

std::string stance_badge(panel::Stance stance) {
    return badge(panel::stance_name(stance), stance_upper(stance));
}

std::string consensus_badge(const panel::Consensus& consensus) {
    return consensus.stance ? stance_badge(*consensus.stance) : badge("split", "SPLIT");
}

std::string section_title(std::string_view name, const panel::Consensus& consensus) {
    if (consensus.synthesized) {
        return std::string(name);
    }
    return fmt::format("{} — {}", name, k_not_synthesized);
}

void write_header(std::string& out, const panel::Card& card) {
    out += "<header id=\"header\">\n";
    out += fmt::format("<h1>{}</h1>\n",
                       esc(card.article.title.empty() ? "(untitled)" : card.article.title));
    if (const std::string credits = article_credits(card.article); !credits.empty()) {
        out += fmt::format("<p class=\"credits\">{}</p>\n", esc(credits));
    }
    out += fmt::format("<p class=\"meta\">Source: {} · {} chars",
                       esc(card.article.source.empty() ? "stdin" : card.article.source),
                       group_thousands(static_cast<std::int64_t>(card.article.chars)));
    if (!card.article.sha256.empty()) {
        out += fmt::format(" · sha256 <code title=\"{}\">{}</code>", esc(card.article.sha256),
                           esc(short_hash(card.article.sha256)));
    }
    out += "</p>\n";
    if (card.offline) {
        out += fmt::format("<p class=\"offline\">Panel: {}</p>\n", k_offline_label);
    }
    out += "</header>\n";
}

void write_consensus(std::string& out, const panel::Card& card) {
    const panel::Consensus& c = card.consensus;
    out += "<section id=\"consensus\">\n";
    out += fmt::format("<h2>Consensus {}</h2>\n", consensus_badge(c));
    out += fmt::format("<p class=\"muted\">Vote {} · agreement {}", esc(c.vote_label()),
                       percent(c.agreement));
    if (const auto round1 = initial_vote_label(c)) {
        out += fmt::format(" · round 1 vote {}", esc(*round1));
    }
    if (card.offline) {
        out += fmt::format(" · by {}", k_offline_label);
    }
    out += "</p>\n";
    if (!c.synthesized) {
        out += fmt::format("<h3 class=\"notice\">{}</h3>\n", k_not_synthesized);
        if (!c.chair_error.empty()) {
            out += fmt::format("<p class=\"muted\">Chair synthesis failed: {}</p>\n",
                               esc(c.chair_error));
        }
    } else if (!c.chair.empty()) {
        out += fmt::format("<p class=\"muted\">Synthesis by {}.</p>\n", esc(c.chair));
    }
    out += fmt::format("<p>{}</p>\n</section>\n", esc(c.summary));
}

void write_text_section(std::string& out, std::string_view id, const std::string& title,
                        std::string_view text) {
    out += fmt::format("<section id=\"{}\">\n<h2>{}</h2>\n<p>{}</p>\n</section>\n", id, esc(title),
                       esc(text));
}

void write_takes(std::string& out, const panel::Card& card) {
    out += "<section id=\"takes\">\n<h2>Takes</h2>\n";
    out += "<table>\n<thead><tr><th>Seat</th><th>Provider</th><th>Model</th><th>Status</"
           "th><th>Stance</th>"
           "<th>Confidence</th></tr></thead>\n<tbody>\n";
    for (const panel::SeatStatus& seat : card.seats) {
        const panel::Take* take = find_take(card, seat.seat);
        out += fmt::format(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
            esc(seat.seat), esc(seat.provider), esc(seat.model), seat.ok ? "ok" : "failed",
            take != nullptr ? stance_badge(take->stance) : "—",
            take != nullptr ? fmt::format("{:.2f}", take->confidence) : "—");
    }
    out += "</tbody>\n</table>\n";
    for (const panel::Take& take : card.takes) {
        out += "<article class=\"take\">\n";
        std::string model;
        if (const panel::SeatStatus* seat = find_seat(card, take.seat);
            seat != nullptr && !seat->model.empty()) {
            model = fmt::format(" <span class=\"muted\">{}</span>", esc(seat->model));
        }
        out += fmt::format("<h3>{}{} {} <span class=\"muted\">confidence {:.2f}</span></h3>\n",
                           esc(take.seat), model, stance_badge(take.stance), take.confidence);
        out += fmt::format("<p><strong>{}</strong></p>\n<p>{}</p>\n", esc(take.headline),
                           esc(take.analysis));
        if (!take.counterpoint.empty()) {
            out += fmt::format("<p><em>Counterpoint:</em> {}</p>\n", esc(take.counterpoint));
        }
        for (const std::string& quote : take.evidence) {
            out += fmt::format("<blockquote>“{}”</blockquote>\n", esc(quote));
        }
        out += "</article>\n";
    }
    out += "</section>\n";
}

void write_rebuttals(std::string& out, const panel::Card& card) {
    out += "<section id=\"rebuttals\">\n<h2>Rebuttals</h2>\n";
    if (card.rebuttals.empty()) {
        out += "<p class=\"muted\">No rebuttal round.</p>\n";
    }
    for (const panel::Rebuttal& rebuttal : card.rebuttals) {
        std::vector<std::string> targets;
        for (const std::string& name : rebuttal.responds_to) {
            targets.push_back(esc(name));
        }
        out += "<article class=\"rebuttal\">\n";
        out += fmt::format("<h3>{} → {}</h3>\n", esc(rebuttal.seat),
                           targets.empty() ? "the panel" : join(targets, ", "));
        out += fmt::format("<p><strong>{}</strong></p>\n<p>{}</p>\n", esc(rebuttal.headline),
                           esc(rebuttal.text));
        if (const auto from = shifted_from(card, rebuttal)) {
            out +=
                fmt::format("<p class=\"muted\">Stance after: {} → {}{}</p>\n",
                            panel::stance_name(*from), stance_badge(rebuttal.stance_after),
                            shifted_without_evidence(card, rebuttal.seat) ? k_no_new_evidence : "");
        } else {
            out += fmt::format("<p class=\"muted\">Stance after: {} (held)</p>\n",
                               stance_badge(rebuttal.stance_after));
        }
        out += "</article>\n";
    }
    out += "</section>\n";
}

// A table of every claim looked up and how it matched, folded away.
void write_matches(std::string& out, const std::vector<panel::CheckedClaim>& matches) {
    out += "\n<details class=\"matches\"><summary>How each claim was matched</summary>\n"
           "<table>\n<thead><tr><th>Claim</th><th>Match</th><th>In the article</th></tr></thead>"
           "\n<tbody>\n";
    for (const panel::CheckedClaim& claim : matches) {
        out += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td></tr>\n", esc(claim.text),
                           esc(match_label(claim.match)), esc(claim.article));
    }
    out += "</tbody>\n</table>\n</details>\n";
}

void write_claims(std::string& out, std::string_view who, const std::vector<std::string>& claims,
                  std::size_t checked, const std::vector<panel::CheckedClaim>& matches) {
    out +=
        fmt::format("<li><strong>{}:</strong> {}", who, ungrounded_summary(claims.size(), checked));
    if (!claims.empty()) {
        out += "\n<ul>\n";
        for (const std::string& claim : claims) {
            out += fmt::format("<li>{}</li>\n", esc(claim));
        }
        out += "</ul>\n";
    }
    if (!matches.empty()) {
        write_matches(out, matches);
    }
    out += "</li>\n";
}

void write_guards(std::string& out, const panel::Card& card) {
    out += "<section id=\"guards\">\n<h2>Guards</h2>\n<ul>\n";
    for (const panel::SeatStatus& seat : card.seats) {
        if (seat.ok) {
            write_claims(out, esc(seat.seat), ungrounded_of(card, seat.seat),
                         checked_of(card, seat.seat), claims_of(card, seat.seat));
        }
    }
    if (card.consensus.synthesized || !card.consensus.ungrounded.empty()) {
        write_claims(out, "synthesis", card.consensus.ungrounded, card.consensus.claims_checked,
                     card.consensus.claims);
    }
    if (!card.injections.empty()) {
        out += fmt::format("<li class=\"injections\">{}\n<ul>\n", esc(injections_summary(card)));
        for (const panel::Injection& injection : card.injections) {
            out += fmt::format("<li>{}{}</li>\n", esc(injection.text), esc(echo_note(injection)));
        }
        out += "</ul>\n</li>\n";
    }
    out += "</ul>\n</section>\n";
}

void write_footer(std::string& out, const panel::Card& card) {
    out += "<footer id=\"footer\">\n";
    if (!card.methodology.empty()) {
        out += fmt::format("<p>{}</p>\n", esc(card.methodology));
    }
    out += fmt::format("<p>{}</p>\n", esc(usage_line(card.usage)));
    std::string failed;
    std::string notes;
    for (const panel::SeatStatus& seat : card.seats) {
        if (!seat.ok) {
            failed += fmt::format("<li>{} ({}, {}): {}</li>\n", esc(seat.seat), esc(seat.provider),
                                  esc(seat.model),
                                  seat.error.empty() ? "no reason given" : esc(seat.error));
        }
        for (const std::string& note : seat.notes) {
            notes += fmt::format("<li>{}: {}</li>\n", esc(seat.seat), esc(note));
        }
    }
    if (!failed.empty()) {
        out += "<p>Failed seats:</p>\n<ul>\n" + failed + "</ul>\n";
    }
    if (!notes.empty()) {
        out += "<p>Notes:</p>\n<ul>\n" + notes + "</ul>\n";
    }
    out += "</footer>\n";
}

} // namespace

std::string render_html(const panel::Card& card) {
    std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
    out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
    out += fmt::format("<title>{} — roundtable</title>\n",
                       esc(card.article.title.empty() ? "(untitled)" : card.article.title));
    out += fmt::format("<style>{}</style>\n</head>\n<body>\n<main class=\"card\">\n", k_style);
    write_header(out, card);
    write_consensus(out, card);
    write_text_section(out, "risk", section_title("Risk", card.consensus), card.consensus.risk);
    write_text_section(out, "opportunity", section_title("Opportunity", card.consensus),
                       card.consensus.opportunity);
    write_takes(out, card);
    write_rebuttals(out, card);
    write_guards(out, card);
    write_footer(out, card);
    out += "</main>\n</body>\n</html>\n";
    return out;
}

std::string html_escape(std::string_view text) {
    return esc(text);
}

} // namespace roundtable::render

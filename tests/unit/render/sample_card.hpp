// A hand-built card for the renderer tests: four seats (one failed), a stance
// shift in the rebuttal round, ungrounded claims, Unicode text and HTML- and
// Markdown-special characters in article- and model-derived strings.
#pragma once

#include <initializer_list>
#include <roundtable/panel/card.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace roundtable::testing {

// Returns the sample card; `synthesized` and `offline` set the matching flags.
inline panel::Card sample_card(bool synthesized = true, bool offline = false) {
    using panel::Stance;
    panel::Card card;
    card.article = {"Zürich bank <b>doubles</b> \"profit\" & cuts 1,200 jobs — 北京 reacts",
                    "examples/zurich.txt",
                    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                    12345,
                    12600,
                    "Mia Chen",
                    "2024-03-05",
                    "Alpine Ledger"};
    card.offline = offline;
    card.seats = {{"claude", "anthropic", "claude-sonnet", true, "", "", {}},
                  {"gpt", "openai", "gpt-5", true, "", "", {}},
                  {"gemini", "gemini", "gemini-2.5-pro", true, "", "", {}},
                  {"grok", "xai", "grok-4", false, "xai: HTTP 503 after 3 attempts", "", {}}};

    panel::Take a;
    a.seat = "claude";
    a.stance = Stance::bearish;
    a.confidence = 0.8;
    a.headline = "<script>alert('x')</script> cost cuts mask weak demand";
    a.analysis =
        "Profit doubled on one-off gains while core revenue fell 4%; the job cuts of 1,200 read as "
        "defence, not growth. Übergewinn is not the same as durable earnings.";
    a.counterpoint = "If the gains repeat, the bear case weakens.";
    a.evidence = {"profit doubled to CHF 2.1 billion", "revenue fell 4% in the quarter"};
    a.ungrounded = {"$3 billion buyback", "Q4 2027 guidance"};
    a.claims = {{"4%", "percent", "normalized_number", "4 per cent"},
                {"1,200", "number", "exact_text", "1,200"},
                {"$3 billion buyback", "money", "not_found", ""},
                {"Q4 2027 guidance", "identifier", "not_found", ""}};

    panel::Take b;
    b.seat = "gpt";
    b.stance = Stance::neutral;
    b.confidence = 0.55;
    b.headline = "# Mixed | signals *everywhere*";
    b.analysis = "Costs fall, revenue falls too; the market will wait for the next quarter.";
    b.counterpoint = "Guidance could surprise either way.";
    b.evidence = {"cuts 1,200 jobs"};

    panel::Take c;
    c.seat = "gemini";
    c.stance = Stance::bearish;
    c.confidence = 0.7;
    c.headline = "Demand is the story";
    c.analysis = "Revenue is the cleaner signal and it points down.";
    c.counterpoint = "One quarter is noise.";
    c.evidence = {"revenue fell 4% in the quarter"};
    card.takes = {a, b, c};

    panel::Rebuttal ra;
    ra.seat = "claude";
    ra.responds_to = {"gpt", "gemini"};
    ra.headline = "Waiting is a stance too";
    ra.text = "The neutral case ignores the revenue line.";
    ra.stance_after = Stance::bearish;
    panel::Rebuttal rb;
    rb.seat = "gpt";
    rb.responds_to = {"claude"};
    rb.headline = "Fair: revenue tips it";
    rb.text = "I move to bearish on the revenue evidence.";
    rb.stance_after = Stance::bearish;
    rb.ungrounded = {"a 12% drop"};
    panel::Rebuttal rc;
    rc.seat = "gemini";
    rc.responds_to = {"claude", "gpt"};
    rc.headline = "Agreed";
    rc.text = "Nothing to add beyond the revenue line.";
    rc.stance_after = Stance::bearish;
    card.rebuttals = {ra, rb, rc};

    card.consensus.stance = Stance::bearish;
    card.consensus.votes = {3, 0, 0};
    card.consensus.initial_votes = {2, 1, 0};
    card.consensus.agreement = 1.0;
    card.consensus.summary =
        "The panel leans bearish: profit rose on one-off gains while revenue fell.";
    card.consensus.risk = "Revenue keeps falling & cost cuts run out.";
    card.consensus.opportunity = "One-off gains fund a turnaround.";
    card.consensus.chair = "claude";
    card.consensus.synthesized = synthesized;
    if (!synthesized) {
        card.consensus.chair_error = "claude: reply was not valid JSON";
    }
    card.consensus.shifts = {{"gpt", Stance::neutral, Stance::bearish}};
    card.usage = {7, 0, 24000, 3100, 12000, 900, 0.0421, 18250};
    card.methodology = "Four seats got identical prompts; claims were checked against the article.";
    return card;
}

// Returns the position of each marker in `text`, each searched after the previous
// one; npos for a marker missing there (so a section out of order shows as npos).
inline std::vector<std::size_t>
positions_in_order(std::string_view text, std::initializer_list<std::string_view> markers) {
    std::vector<std::size_t> out;
    std::size_t from = 0;
    for (std::string_view marker : markers) {
        const std::size_t at =
            from == std::string_view::npos ? std::string_view::npos : text.find(marker, from);
        out.push_back(at);
        from = at == std::string_view::npos ? at : at + marker.size();
    }
    return out;
}

} // namespace roundtable::testing

#include "sample_card.hpp"

#include <catch2/catch.hpp>
#include <roundtable/render/render.hpp>
#include <string>

using namespace roundtable::render;
using roundtable::testing::positions_in_order;
using roundtable::testing::sample_card;

TEST_CASE("markdown::render_markdown") {
    const auto card = sample_card();
    const std::string out = render_markdown(card);
    SECTION("sections in card order") {
        for (std::size_t at : positions_in_order(
                 out,
                 {"# Zürich bank", "\n*by Mia Chen · Alpine Ledger · published 2024-03-05*\n",
                  "**Source:** examples/zurich.txt · 12,345 chars · sha256 `0123456789ab`",
                  "## Consensus: BEARISH", "**Vote** 3-0 · **agreement** 100% · round 1 vote 2-1",
                  "## Risk\n", "## Opportunity\n", "## Takes\n",
                  "| Seat | Provider | Model | Status | Stance | Confidence |",
                  "### claude · claude-sonnet · BEARISH · confidence 0.80", "## Rebuttals\n",
                  "### claude → gpt, gemini", "## Guards\n", "\n---\n",
                  "Four seats got identical prompts", "7 calls"})) {
            CHECK(at != std::string::npos);
        }
    }
    SECTION("seat table lists every seat, the failed one included") {
        CHECK(out.find("| claude | anthropic | claude\\-sonnet | ok | BEARISH | 0.80 |") ==
              std::string::npos);
        CHECK(out.find("| claude | anthropic | claude-sonnet | ok | BEARISH | 0.80 |") !=
              std::string::npos);
        CHECK(out.find("| grok | xai | grok-4 | failed | — | — |") != std::string::npos);
        CHECK(out.find("- grok (xai, grok-4): xai: HTTP 503 after 3 attempts") !=
              std::string::npos);
    }
    SECTION("article- and model-derived text is escaped") {
        CHECK(out.find("# Zürich bank \\<b\\>doubles\\</b\\> \"profit\" & cuts 1,200 jobs — 北京 "
                       "reacts\n") != std::string::npos);
        CHECK(out.find("**\\# Mixed \\| signals \\*everywhere\\***") != std::string::npos);
        CHECK(out.find("**\\<script\\>alert('x')\\</script\\> cost cuts mask weak demand**") !=
              std::string::npos);
        CHECK(out.find("<script>") == std::string::npos);
    }
    SECTION("a leading block marker in a paragraph is neutralized") {
        auto marked = card;
        marked.consensus.summary = "# not a heading\n> not a quote\n1. not a list";
        const std::string text = render_markdown(marked);
        CHECK(text.find("\\# not a heading\n\\> not a quote\n1\\. not a list") !=
              std::string::npos);
    }
    SECTION("evidence as blockquotes, shift and guards") {
        CHECK(out.find("> “profit doubled to CHF 2.1 billion”\n") != std::string::npos);
        CHECK(out.find("*Stance after:* neutral → **bearish**") != std::string::npos);
        CHECK(out.find("- **claude:** 2 ungrounded claims\n  - $3 billion buyback\n  - Q4 2027 "
                       "guidance\n") != std::string::npos);
        CHECK(out.find("- **gemini:** all claims found in the article") != std::string::npos);
    }
    SECTION("not synthesized and offline are labelled") {
        CHECK(out.find("not synthesized") == std::string::npos);
        CHECK(out.find("offline analysts") == std::string::npos);
        const std::string other = render_markdown(sample_card(false, true));
        for (std::size_t at : positions_in_order(
                 other, {"> **Panel:** offline analysts, no language model",
                         "## Consensus: BEARISH", "### From the takes (not synthesized)",
                         "*Chair synthesis failed:* claude: reply was not valid JSON",
                         "## Risk — From the takes (not synthesized)",
                         "## Opportunity — From the takes (not synthesized)"})) {
            CHECK(at != std::string::npos);
        }
    }
    SECTION("no trailing spaces and no escape bytes") {
        CHECK(out.find(" \n") == std::string::npos);
        CHECK(out.find('\x1b') == std::string::npos);
    }
}

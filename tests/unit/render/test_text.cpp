#include "sample_card.hpp"

#include <catch2/catch.hpp>
#include <roundtable/render/render.hpp>
#include <roundtable/render/wrap.hpp>
#include <sstream>
#include <string>

using namespace roundtable::render;
using roundtable::testing::positions_in_order;
using roundtable::testing::sample_card;

namespace {

std::vector<std::string> split_lines(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        lines.push_back(line);
    }
    return lines;
}

} // namespace

TEST_CASE("text::render_text") {
    const auto card = sample_card();
    SECTION("sections in card order") {
        const std::string out = render_text(card, false, 80);
        for (std::size_t at : positions_in_order(
                 out, {"Zürich bank", "by Mia Chen · Alpine Ledger · published 2024-03-05\n",
                       "source: examples/zurich.txt", "12,345 chars · sha256 0123456789ab\n",
                       "\nCONSENSUS\n", "BEARISH · vote 3-0 · agreement 100% · round 1 vote 2-1",
                       "\nRISK\n", "\nOPPORTUNITY\n", "\nTAKES\n",
                       "claude · claude-sonnet · BEARISH · confidence 0.80", "\nREBUTTALS\n",
                       "claude → gpt, gemini", "\nGUARDS\n", "Four seats got identical prompts",
                       "7 calls"})) {
            CHECK(at != std::string::npos);
        }
        CHECK(out.find("0123456789abcdef0") == std::string::npos); // hash shortened
    }
    SECTION("takes, shift, guards and failed seat") {
        const std::string out = render_text(card, false, 100);
        CHECK(out.find("  Counterpoint: If the gains repeat") != std::string::npos);
        CHECK(out.find("    • “profit doubled to CHF 2.1 billion”") != std::string::npos);
        CHECK(out.find("stance after: neutral → bearish") != std::string::npos);
        CHECK(out.find("stance after: BEARISH (held)") != std::string::npos);
        CHECK(
            out.find("claude: 2 ungrounded claims\n  • $3 billion buyback\n  • Q4 2027 guidance") !=
            std::string::npos);
        CHECK(out.find("gemini: all claims found in the article") != std::string::npos);
        CHECK(out.find("failed: grok (xai, grok-4): xai: HTTP 503 after 3 attempts") !=
              std::string::npos);
        CHECK(out.find("grok ·") == std::string::npos); // a failed seat has no take
    }
    SECTION("no line longer than the width, no trailing spaces, UTF-8 intact") {
        auto long_card = card;
        long_card.takes[0].analysis +=
            " Donaudampfschifffahrtsgesellschaftskapitänsmützenherstellerübergewinnsteuer"
            "北京北京北京北京北京北京北京北京北京北京北京北京北京北京北京北京北京北京北京北京";
        for (int width : {40, 57, 80}) {
            const std::string out = render_text(long_card, false, width);
            for (const std::string& line : split_lines(out)) {
                INFO("width " << width << ": " << line);
                CHECK(display_width(line) <= static_cast<std::size_t>(width));
                CHECK_FALSE(line.ends_with(' '));
            }
            CHECK(out.find("ü") != std::string::npos);
        }
        const std::string narrow = render_text(long_card, false, 40);
        // Every multi-byte sequence survived wrapping: the text renders back unchanged when
        // rejoined.
        std::string joined;
        for (const std::string& line : split_lines(narrow)) {
            std::size_t start = line.find_first_not_of(' ');
            joined += start == std::string::npos ? "" : line.substr(start);
        }
        CHECK(joined.find("Donaudampfschifffahrtsgesellschaftskapit") != std::string::npos);
        CHECK(joined.find("übergewinnsteuer北京北京") != std::string::npos);
    }
    SECTION("colour only when asked for") {
        const std::string plain = render_text(card, false, 80);
        CHECK(plain.find('\x1b') == std::string::npos);
        const std::string color = render_text(card, true, 80);
        CHECK(color.find("\x1b[31mBEARISH\x1b[0m") != std::string::npos);
        CHECK(color.find("\x1b[33mNEUTRAL\x1b[0m") != std::string::npos);
        CHECK(color.find("\x1b[1mCONSENSUS\x1b[0m") != std::string::npos);
        for (const std::string& line : split_lines(color)) {
            CHECK(display_width(line) <= 80);
        }
    }
    SECTION("not synthesized is labelled") {
        CHECK(render_text(card, false, 80).find("not synthesized") == std::string::npos);
        const std::string out = render_text(sample_card(false), false, 80);
        for (std::size_t at : positions_in_order(
                 out, {"\nCONSENSUS\n", "From the takes (not synthesized)\n",
                       "chair synthesis failed: claude: reply was not valid JSON",
                       "The panel leans bearish", "RISK — From the takes (not synthesized)",
                       "OPPORTUNITY — From the takes (not synthesized)"})) {
            CHECK(at != std::string::npos);
        }
    }
    SECTION("offline analysts are named plainly") {
        CHECK(render_text(card, false, 80).find("offline analysts") == std::string::npos);
        const std::string out = render_text(sample_card(true, true), false, 80);
        CHECK(out.find("panel: offline analysts, no language model") != std::string::npos);
    }
    SECTION("split consensus and no rebuttal round") {
        auto split = card;
        split.consensus.stance.reset();
        split.rebuttals.clear();
        const std::string out = render_text(split, true, 80);
        CHECK(out.find("\x1b[35mSPLIT\x1b[0m") != std::string::npos);
        CHECK(out.find("  no rebuttal round") != std::string::npos);
    }
}

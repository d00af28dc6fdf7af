#include "sample_card.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cctype>
#include <roundtable/render/render.hpp>
#include <string>

using namespace roundtable::render;
using roundtable::testing::positions_in_order;
using roundtable::testing::sample_card;

namespace {

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

} // namespace

TEST_CASE("html::render_html") {
    const auto card = sample_card();
    const std::string out = render_html(card);
    SECTION("a standalone page with sections in card order") {
        CHECK(out.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
        CHECK(out.ends_with("</html>\n"));
        for (std::size_t at : positions_in_order(
                 out, {"<style>", "</style>", "id=\"header\"", "id=\"consensus\"", "id=\"risk\"",
                       "id=\"opportunity\"", "id=\"takes\"", "id=\"rebuttals\"", "id=\"guards\"",
                       "id=\"footer\"", "</main>"})) {
            CHECK(at != std::string::npos);
        }
    }
    SECTION("no scripts and no external resources") {
        const std::string page = lower(out);
        CHECK(page.find("<script") == std::string::npos);
        CHECK(page.find("<link") == std::string::npos);
        CHECK(page.find("src=") == std::string::npos);
        CHECK(page.find("http://") == std::string::npos);
        CHECK(page.find("https://") == std::string::npos);
        CHECK(page.find("@import") == std::string::npos);
    }
    SECTION("card strings are escaped") {
        CHECK(out.find(
                  "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; cost cuts mask weak demand") !=
              std::string::npos);
        CHECK(out.find("<h1>Zürich bank &lt;b&gt;doubles&lt;/b&gt; &quot;profit&quot; &amp; cuts "
                       "1,200 jobs — 北京 reacts</h1>\n<p class=\"credits\">by Mia Chen · Alpine "
                       "Ledger · published 2024-03-05</p>") != std::string::npos);
        CHECK(out.find("<b>doubles") == std::string::npos);
        CHECK(out.find("Revenue keeps falling &amp; cost cuts run out.") != std::string::npos);
    }
    SECTION("stance badges, shift, evidence, guards and failed seat") {
        CHECK(out.find("<h2>Consensus <span class=\"badge bearish\">BEARISH</span></h2>") !=
              std::string::npos);
        CHECK(out.find("Stance after: neutral → <span class=\"badge bearish\">BEARISH</span>") !=
              std::string::npos);
        CHECK(out.find("<blockquote>“profit doubled to CHF 2.1 billion”</blockquote>") !=
              std::string::npos);
        CHECK(out.find("<li><strong>claude:</strong> 2 ungrounded claims") != std::string::npos);
        // How each claim was matched: a folded table under the seat's line, escaped.
        CHECK(
            out.find("<details class=\"matches\"><summary>How each claim was matched</summary>") !=
            std::string::npos);
        CHECK(out.find("<tr><td>4%</td><td>normalized number</td><td>4 per cent</td></tr>") !=
              std::string::npos);
        CHECK(out.find("<tr><td>$3 billion buyback</td><td>not found</td><td></td></tr>") !=
              std::string::npos);
        CHECK(out.find("<details", out.find("<li><strong>gemini:</strong>")) ==
              std::string::npos); // no table for a seat with no recorded matches
        CHECK(out.find("<li><strong>gemini:</strong> all claims found in the article</li>") !=
              std::string::npos);
        CHECK(out.find("<li>grok (xai, grok-4): xai: HTTP 503 after 3 attempts</li>") !=
              std::string::npos);
        auto split = card;
        split.consensus.stance.reset();
        CHECK(render_html(split).find("<span class=\"badge split\">SPLIT</span>") !=
              std::string::npos);
    }
    SECTION("not synthesized and offline are labelled") {
        CHECK(out.find("not synthesized") == std::string::npos);
        CHECK(out.find("offline analysts") == std::string::npos);
        const std::string other = render_html(sample_card(false, true));
        for (std::size_t at :
             positions_in_order(other, {"Panel: offline analysts, no language model",
                                        "id=\"consensus\"", "From the takes (not synthesized)",
                                        "Chair synthesis failed: claude: reply was not valid JSON",
                                        "<h2>Risk — From the takes (not synthesized)</h2>"})) {
            CHECK(at != std::string::npos);
        }
    }
}

#include <catch2/catch.hpp>
#include <roundtable/article/sentences.hpp>
#include <string>
#include <vector>

using roundtable::article::Sentence;
using roundtable::article::split_sentences;

namespace {

std::vector<std::string> texts(std::string_view text) {
    std::vector<std::string> out;
    for (const Sentence& s : split_sentences(text)) {
        out.emplace_back(text.substr(s.begin, s.end - s.begin));
    }
    return out;
}

using Texts = std::vector<std::string>;

} // namespace

TEST_CASE("sentences::split_sentences") {
    SECTION("plain sentences with exact byte offsets") {
        std::string_view text = "  Revenue rose. Costs fell!  Why now? ";
        auto got = split_sentences(text);
        REQUIRE(got.size() == 3);
        CHECK(got[0] == Sentence{2, 15, 0});
        CHECK(got[1] == Sentence{16, 27, 0});
        CHECK(got[2] == Sentence{29, 37, 0});
    }
    SECTION("empty and blank text give no sentences") {
        CHECK(split_sentences("").empty());
        CHECK(split_sentences(" \n\n \t\n").empty());
    }
    SECTION("abbreviations before names and dates do not end a sentence") {
        CHECK(texts("Mr. Lee met Dr. Ruiz on Jan. 5 in the lab. They agreed.") ==
              Texts{"Mr. Lee met Dr. Ruiz on Jan. 5 in the lab.", "They agreed."});
        CHECK(
            texts("Costs rose, e.g. rent and fuel, i.e. the basics. Apple vs. Google is next.") ==
            Texts{"Costs rose, e.g. rent and fuel, i.e. the basics.", "Apple vs. Google is next."});
    }
    SECTION("company suffixes end a sentence only before a sentence opener") {
        CHECK(texts("Acme Inc. said sales rose. It sold Bolt Corp. Shares jumped.") ==
              Texts{"Acme Inc. said sales rose.", "It sold Bolt Corp.", "Shares jumped."});
        CHECK(texts("Orion Corp. Chief Executive Ana Diaz spoke.") ==
              Texts{"Orion Corp. Chief Executive Ana Diaz spoke."});
    }
    SECTION("U.S. inside and at the end of a sentence") {
        CHECK(
            texts(
                "The U.S. Treasury sold bonds. Demand in the U.S. The rest of the world lagged.") ==
            Texts{"The U.S. Treasury sold bonds.", "Demand in the U.S.",
                  "The rest of the world lagged."});
    }
    SECTION("decimals, percentages and money do not split") {
        CHECK(texts("The $3.5 billion deal lifted margins 2.4% to 1,200.50 points. Next year looks "
                    "better.") ==
              Texts{"The $3.5 billion deal lifted margins 2.4% to 1,200.50 points.",
                    "Next year looks better."});
    }
    SECTION("initials stay with the name") {
        CHECK(texts("Shares of J. P. Morgan rose. Analysts cheered.") ==
              Texts{"Shares of J. P. Morgan rose.", "Analysts cheered."});
    }
    SECTION("closing quotes after the period belong to the sentence") {
        CHECK(texts("\"We are ready,\" she said. \"Demand is strong.\" Next came the fall.") ==
              Texts{"\"We are ready,\" she said.", "\"Demand is strong.\"", "Next came the fall."});
    }
    SECTION("curly quotes are UTF-8 safe") {
        std::string_view text =
            "\xE2\x80\x9CWe will grow.\xE2\x80\x9D The board agreed. It was \xE2\x80\x98"
            "final.\xE2\x80\x99 Done.";
        CHECK(texts(text) == Texts{"\xE2\x80\x9CWe will grow.\xE2\x80\x9D", "The board agreed.",
                                   "It was \xE2\x80\x98"
                                   "final.\xE2\x80\x99",
                                   "Done."});
    }
    SECTION("ellipses end a sentence only before a capital") {
        CHECK(texts("Results were... disappointing. Then... Nothing happened\xE2\x80\xA6 Again.") ==
              Texts{"Results were... disappointing.", "Then...", "Nothing happened\xE2\x80\xA6",
                    "Again."});
    }
    SECTION("question and exclamation marks") {
        CHECK(texts("Is growth back?! Nobody knows! Wait?") ==
              Texts{"Is growth back?!", "Nobody knows!", "Wait?"});
    }
    SECTION("a blank line always ends a sentence and counts paragraphs") {
        std::string_view text =
            "First paragraph has no period\n\nSecond one wraps\nover two lines.\n \nThird.";
        auto got = split_sentences(text);
        REQUIRE(got.size() == 3);
        CHECK(texts(text) == Texts{"First paragraph has no period",
                                   "Second one wraps\nover two lines.", "Third."});
        CHECK(got[0].paragraph == 0);
        CHECK(got[1].paragraph == 1);
        CHECK(got[2].paragraph == 2);
    }
    SECTION("a single newline does not end a sentence unless the line is a heading") {
        CHECK(texts("Market outlook\nThe index rose 2% on Monday. Bonds were flat.\nEnergy "
                    "stocks\nOil fell.") == Texts{"Market outlook", "The index rose 2% on Monday.",
                                                  "Bonds were flat.", "Energy stocks",
                                                  "Oil fell."});
        CHECK(texts("The company said on Monday that\nits revenue rose.") ==
              Texts{"The company said on Monday that\nits revenue rose."});
        CHECK(texts("Revenue rose sharply in the quarter, and\nProfit rose too.") ==
              Texts{"Revenue rose sharply in the quarter, and\nProfit rose too."});
    }
    SECTION("periods inside tokens do not split") {
        CHECK(texts("See example.com for details. Version 2.0 ships.") ==
              Texts{"See example.com for details.", "Version 2.0 ships."});
    }
}

TEST_CASE("sentences::split_sentences bounds a sentence's length") {
    using roundtable::article::k_max_sentence_bytes;
    SECTION("a page of words without punctuation is cut at spaces, nothing lost") {
        std::string text;
        while (text.size() < 50 * k_max_sentence_bytes) {
            text += "revenue rose while debt fell ";
        }
        text.pop_back();
        const auto sentences = split_sentences(text);
        REQUIRE(sentences.size() >= 50);
        std::size_t covered = 0;
        for (std::size_t i = 0; i < sentences.size(); ++i) {
            const auto& s = sentences[i];
            CHECK(s.end - s.begin <= k_max_sentence_bytes);
            if (i + 1 < sentences.size()) {
                CHECK(s.end - s.begin >= k_max_sentence_bytes / 2);
            }
            CHECK(text[s.begin] != ' ');
            CHECK(text[s.end - 1] != ' ');
            CHECK((s.end == text.size() || text[s.end] == ' '));
            if (i > 0) {
                CHECK(s.begin == sentences[i - 1].end + 1);
            }
            covered += s.end - s.begin + 1;
        }
        CHECK(covered == text.size() + 1);
    }
    SECTION("a run without spaces is cut on character boundaries") {
        std::string text;
        while (text.size() < 5 * k_max_sentence_bytes) {
            text += "\xE2\x82\xAC"
                    "1.2"; // "€1.2", a 3-byte character then ASCII
        }
        const auto sentences = split_sentences(text);
        REQUIRE(sentences.size() >= 5);
        for (const auto& s : sentences) {
            CHECK(s.end - s.begin <= k_max_sentence_bytes);
            CHECK((static_cast<unsigned char>(text[s.begin]) & 0xC0U) != 0x80U);
            CHECK((s.end == text.size() ||
                   (static_cast<unsigned char>(text[s.end]) & 0xC0U) != 0x80U));
        }
        CHECK(sentences.front().begin == 0);
        CHECK(sentences.back().end == text.size());
    }
    SECTION("sentences under the limit are untouched") {
        const std::string text = "Shares fell 3%. Debt rose.";
        const auto sentences = split_sentences(text);
        REQUIRE(sentences.size() == 2);
        CHECK(sentences[0].end == 15);
    }
}

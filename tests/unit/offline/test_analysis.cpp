#include <catch2/catch.hpp>
#include <roundtable/offline/analysis.hpp>
#include <string>

using namespace roundtable::offline;

TEST_CASE("offline_analysis::score_cues") {
    SECTION("a cost estimate and a withdrawn forecast are a risk") {
        CueScore c = score_cues(
            "The company expects the recall to cost between $1.2 billion and $1.5 billion, and "
            "it withdrew its full-year profit forecast.");
        CHECK(c.risk > c.opportunity);
        CHECK(c.figures == 2);
        CHECK(c.hedge >= 1.0);
    }
    SECTION("covenants, cash burn and a downgrade are a risk") {
        CueScore c = score_cues(
            "Two rating agencies placed the company on review for a downgrade, warning that cash "
            "burn could breach loan covenants by the end of the year.");
        CHECK(c.risk > 3.0);
        CHECK(c.opportunity == 0.0);
    }
    SECTION("loyal buyers and surviving are an opportunity") {
        CueScore c =
            score_cues("The brand still has loyal buyers, and the balance sheet can survive.");
        CHECK(c.opportunity > 1.5);
        CHECK(c.risk == 0.0);
        CHECK(score_cues("Some investors see a floor.").opportunity > 0.0);
    }
    SECTION("a widened loss weighs more than a loss") {
        CHECK(score_cues("The net loss widened to $812 million.").risk >
              score_cues("The net loss was $812 million.").risk);
    }
    SECTION("a negation turns the cue around") {
        CueScore c = score_cues("Integration will not be easy.");
        CHECK(c.risk > 0.0);
        CHECK(c.opportunity == 0.0);
    }
    SECTION("not every and not only do not negate") {
        CueScore every =
            score_cues("Not every risk has vanished: the company still depends on imported cells.");
        CHECK(every.risk > every.opportunity);
        CueScore only = score_cues("Not only did profit fall, debt rose.");
        CHECK(only.risk > only.opportunity);
    }
    SECTION("a negation far before the cue does not reach it") {
        CueScore c = score_cues("We are not going to pretend this is a small problem.");
        CHECK(c.risk > 0.0);
        CHECK(c.opportunity == 0.0);
    }
    SECTION("an upside word followed by a downside word is a downside") {
        CueScore c = score_cues("Subscriber growth has slowed across the industry.");
        CHECK(c.risk > 0.0);
        CHECK(c.opportunity == 0.0);
        CueScore up = score_cues("Subscriber growth accelerated across the industry.");
        CHECK(up.opportunity > 0.0);
        CHECK(up.risk == 0.0);
    }
}

TEST_CASE("offline_analysis::looks_like_heading") {
    SECTION("a title without final punctuation is a heading") {
        CHECK(looks_like_heading(
            "Corvane Motors recalls 410,000 trucks as losses deepen and lenders circle"));
        CHECK(looks_like_heading("Outlook:"));
    }
    SECTION("sentences end in punctuation, possibly inside quotes") {
        CHECK_FALSE(looks_like_heading("Shares fell 23% in early trading."));
        CHECK_FALSE(looks_like_heading("\"The next two quarters will be painful.\""));
        CHECK_FALSE(looks_like_heading("Is this the floor?"));
        CHECK_FALSE(looks_like_heading("\xE2\x80\x9CWe will grow.\xE2\x80\x9D"));
        CHECK_FALSE(looks_like_heading("And then\xE2\x80\xA6"));
    }
}

TEST_CASE("offline_analysis::analyze_uncached") {
    SECTION("the title line is flagged as a heading, the sentences are not") {
        Analysis a = analyze_uncached(
            "Corvane recalls trucks as losses deepen\n\nCorvane recalled 410,000 trucks. "
            "Shares fell 23%.");
        REQUIRE(a.sentences.size() == 3);
        CHECK(a.sentences[0].heading);
        CHECK_FALSE(a.sentences[1].heading);
        CHECK_FALSE(a.sentences[2].heading);
    }
    SECTION("text made only of headings flags none") {
        Analysis a = analyze_uncached("Corvane recalls trucks\n\nLenders circle");
        REQUIRE(a.sentences.size() == 2);
        CHECK_FALSE(a.sentences[0].heading);
        CHECK_FALSE(a.sentences[1].heading);
    }
}

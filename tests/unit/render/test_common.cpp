#include "sample_card.hpp"

#include <catch2/catch.hpp>
#include <roundtable/render/common.hpp>

using namespace roundtable::render;
using roundtable::panel::Stance;

TEST_CASE("common::formatting") {
    SECTION("thousands separators") {
        CHECK(group_thousands(0) == "0");
        CHECK(group_thousands(999) == "999");
        CHECK(group_thousands(1000) == "1,000");
        CHECK(group_thousands(12345678) == "12,345,678");
        CHECK(group_thousands(-1234) == "-1,234");
    }
    SECTION("percentages are whole and clamped") {
        CHECK(percent(0.75) == "75%");
        CHECK(percent(1.0) == "100%");
        CHECK(percent(1.7) == "100%");
        CHECK(percent(-0.2) == "0%");
    }
    SECTION("short hashes and stance labels") {
        CHECK(short_hash("0123456789abcdef") == "0123456789ab");
        CHECK(short_hash("abc") == "abc");
        CHECK(stance_upper(Stance::bearish) == "BEARISH");
        roundtable::panel::Consensus tie;
        CHECK(consensus_upper(tie) == "SPLIT");
    }
    SECTION("usage line") {
        roundtable::panel::Usage usage{7, 2, 24000, 3100, 12000, 0, 0.0421, 18250};
        CHECK(usage_line(usage) == "7 calls (2 from cache) · tokens in 24,000 / out 3,100 / cached "
                                   "12,000 · cost $0.0421 · wall 18.2 s");
        usage.reasoning_tokens = 2600;
        CHECK(usage_line(usage) ==
              "7 calls (2 from cache) · tokens in 24,000 / out 3,100 "
              "(reasoning 2,600) / cached 12,000 · cost $0.0421 · wall 18.2 s");
    }
}

TEST_CASE("common::article_credits") {
    roundtable::panel::ArticleMeta article;
    CHECK(article_credits(article) == "");
    article.site = "MarketWire";
    CHECK(article_credits(article) == "MarketWire");
    article.byline = "Ana Ruiz";
    article.published = "2024-03-05";
    CHECK(article_credits(article) == "by Ana Ruiz · MarketWire · published 2024-03-05");
}

TEST_CASE("common::card_lookups") {
    const auto card = roundtable::testing::sample_card();
    SECTION("round-1 vote only when it differs") {
        CHECK(initial_vote_label(card.consensus) == std::optional<std::string>("2-1"));
        auto same = card.consensus;
        same.initial_votes = same.votes;
        CHECK_FALSE(initial_vote_label(same).has_value());
        auto none = card.consensus;
        none.initial_votes = {};
        CHECK_FALSE(initial_vote_label(none).has_value());
    }
    SECTION("seats and takes by name") {
        REQUIRE(find_seat(card, "grok") != nullptr);
        CHECK_FALSE(find_seat(card, "grok")->ok);
        CHECK(find_take(card, "grok") == nullptr);
        CHECK(find_seat(card, "nobody") == nullptr);
    }
    SECTION("a shift is found; a held stance is not") {
        CHECK(shifted_from(card, card.rebuttals.at(1)) == std::optional<Stance>(Stance::neutral));
        CHECK_FALSE(shifted_from(card, card.rebuttals.at(0)).has_value());
    }
    SECTION("ungrounded claims of take and rebuttal together") {
        CHECK(ungrounded_of(card, "claude").size() == 2);
        CHECK(ungrounded_of(card, "gpt") == std::vector<std::string>{"a 12% drop"});
        const auto claims = claims_of(card, "claude");
        REQUIRE(claims.size() == 4);
        CHECK(claims[0].match == "normalized_number");
        CHECK(claims_of(card, "gemini").empty());
        CHECK(match_label("date_part") == "date part");
        CHECK(match_label("exact_text") == "exact text");
        CHECK(ungrounded_summary(0) == "all claims found in the article");
        CHECK(ungrounded_summary(1) == "1 ungrounded claim");
        CHECK(ungrounded_summary(2) == "2 ungrounded claims");
        CHECK(ungrounded_summary(0, 12) == "12 claims checked, all claims found in the article");
        CHECK(ungrounded_summary(2, 1) == "1 claim checked, 2 ungrounded claims");
    }
}

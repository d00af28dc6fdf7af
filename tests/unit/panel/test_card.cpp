#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <roundtable/panel/card.hpp>

using namespace roundtable::panel;

namespace {

Card sample_card() {
    Card card;
    card.article = {
        "Title \"quoted\"", "examples/a.txt", std::string(64, 'a'), 1234, 1300, "Ana Ruiz", "",
        "MarketWire"};
    card.seats = {{"bull", "offline", "bull", true, "", "", {}},
                  {"gpt", "openai", "gpt-5", false, "openai: HTTP 500", "", {}}};
    Take take;
    take.seat = "bull";
    take.stance = Stance::bullish;
    take.confidence = 0.8;
    take.headline = "Record revenue — up 41%";
    take.analysis = "A.";
    take.counterpoint = "B.";
    take.evidence = {"\u201cquoted\u201d"};
    take.ungrounded = {"$41 million"};
    take.claims = {{"29", "number", "date_part", "April 29"},
                   {"$41 million", "money", "not_found", ""}};
    card.takes = {take};
    Rebuttal reb;
    reb.seat = "bull";
    reb.responds_to = {"gpt"};
    reb.headline = "h";
    reb.text = "t";
    reb.stance_after = Stance::neutral;
    card.rebuttals = {reb};
    card.consensus.stance = Stance::bullish;
    card.consensus.votes = {0, 1, 2};
    card.consensus.initial_votes = {0, 0, 3};
    card.consensus.shifts = {{"bull", Stance::bullish, Stance::neutral}};
    card.consensus.chair = "bull";
    card.usage.calls = 9;
    card.offline = true;
    return card;
}

} // namespace

TEST_CASE("card::json") {
    SECTION("round trip keeps every field") {
        Card card = sample_card();
        Card back = card_from_json_text(to_json_text(card));
        CHECK(to_json_text(back) == to_json_text(card));
        CHECK(back.takes.at(0).ungrounded.at(0) == "$41 million");
        REQUIRE(back.takes.at(0).claims.size() == 2);
        CHECK(back.takes.at(0).claims.at(0).match == "date_part");
        CHECK(back.takes.at(0).claims.at(0).article == "April 29");
        CHECK(back.takes.at(0).claims.at(1).article.empty());
        CHECK(back.seats.at(1).ok == false);
        CHECK(back.seats.at(1).error == "openai: HTTP 500");
        CHECK(back.consensus.shifts.at(0).to == Stance::neutral);
        CHECK(back.article.byline == "Ana Ruiz");
        CHECK(back.article.site == "MarketWire");
    }
    SECTION("contract names at the top level") {
        std::string text = to_json_text(sample_card(), -1);
        for (const char* name : {"\"schema\":\"roundtable.card/v1\"", "\"article\":", "\"seats\":",
                                 "\"takes\":", "\"rebuttals\":", "\"consensus\":", "\"usage\":"}) {
            CHECK(text.find(name) != std::string::npos);
        }
        CHECK(text.find("\"status\":\"failed\"") != std::string::npos);
        CHECK(text.find("\"error\":null") != std::string::npos);
    }
    SECTION("a page's metadata: strings, or null when the article has none") {
        const std::string text = to_json_text(sample_card(), -1);
        CHECK(text.find("\"byline\":\"Ana Ruiz\"") != std::string::npos);
        CHECK(text.find("\"published\":null") != std::string::npos);
        CHECK(text.find("\"site\":\"MarketWire\"") != std::string::npos);
    }
    SECTION("a card logged before the metadata existed reads back with none") {
        nlohmann::json j = nlohmann::json::parse(to_json_text(sample_card(), -1));
        for (const char* key : {"byline", "published", "site"}) {
            REQUIRE(j.at("article").erase(key) == 1);
        }
        const Card back = card_from_json_text(j.dump());
        CHECK(back.article.byline.empty());
        CHECK(back.article.site.empty());
    }
    SECTION("each claim's match is written, and older cards without it still read") {
        std::string text = to_json_text(sample_card(), -1);
        CHECK(text.find(R"("claims":[{"article":"April 29","kind":"number","match":"date_part",)"
                        R"("text":"29"},{"article":null,)") != std::string::npos);
        std::string old = text;
        for (std::size_t at = old.find("\"claims\":"); at != std::string::npos;
             at = old.find("\"claims\":")) {
            const std::size_t end = old.find(']', at);
            old.erase(at, end + 2 - at); // the array and the comma after it
        }
        REQUIRE(old.find("claims\":[") == std::string::npos);
        const Card back = card_from_json_text(old);
        CHECK(back.takes.at(0).claims.empty());
        CHECK(back.takes.at(0).ungrounded.at(0) == "$41 million");
    }
    SECTION("a split consensus is written as split and read back as no stance") {
        Card card = sample_card();
        card.consensus.stance.reset();
        std::string text = to_json_text(card, -1);
        CHECK(text.find("\"stance\":\"split\"") != std::string::npos);
        CHECK_FALSE(card_from_json_text(text).consensus.stance.has_value());
    }
    SECTION("invalid JSON and a wrong schema are errors") {
        CHECK_THROWS_WITH(card_from_json_text("{"), Catch::StartsWith("invalid card JSON"));
        CHECK_THROWS_WITH(card_from_json_text(R"({"schema":"other"})"),
                          Catch::Contains("not a roundtable.card/v1"));
    }
}

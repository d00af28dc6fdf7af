#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <roundtable/panel/card.hpp>
#include <roundtable/score/cards.hpp>
#include <sstream>

using namespace roundtable;
using panel::Stance;

namespace {

panel::Card small_card() {
    panel::Card card;
    card.article.title = "t";
    card.seats = {{"bull", "offline", "offline-bull", true, "", "", {}},
                  {"bear", "offline", "offline-bear", true, "", "", {}}};
    panel::Take a;
    a.seat = "bull";
    a.stance = Stance::bullish;
    a.confidence = 0.7;
    panel::Take b;
    b.seat = "bear";
    b.stance = Stance::bearish;
    b.confidence = 0.6;
    card.takes = {a, b};
    panel::Rebuttal ra;
    ra.seat = "bull";
    ra.stance_after = Stance::bullish;
    ra.confidence_after = 0.8;
    panel::Rebuttal rb;
    rb.seat = "bear";
    rb.stance_after = Stance::bullish;
    rb.confidence_after = 0.55;
    card.rebuttals = {ra, rb};
    card.consensus.stance = Stance::bullish;
    card.consensus.votes.bullish = 2;
    card.consensus.initial_votes.bullish = 1;
    card.consensus.initial_votes.bearish = 1;
    card.consensus.agreement = 1.0;
    return card;
}

std::string card_line(const std::string& id, const panel::Card& card) {
    return nlohmann::json{{"id", id}, {"card", nlohmann::json::parse(panel::to_json_text(card))}}
        .dump();
}

} // namespace

TEST_CASE("cards::read_card_lines") {
    SECTION("card lines go through the card contract; error and blank lines are skipped") {
        std::istringstream in(card_line("one", small_card()) + "\n\n" +
                              R"({"id":"two","error":"no such file","exit":2})" + "\n" +
                              card_line("three", small_card()) + "\n");
        score::CardLines lines;
        auto read = score::read_card_lines(in, "cards.jsonl", lines);
        REQUIRE(read);
        REQUIRE(lines.cards.size() == 2);
        CHECK(lines.error_lines == 1);
        const auto& r = lines.cards[0];
        CHECK(r.id == "one");
        REQUIRE(r.seats.size() == 2);
        CHECK(r.seats[0].model == "offline-bull");
        CHECK(r.seats[1].round1 == Stance::bearish);
        CHECK(r.seats[1].final == Stance::bullish);
        CHECK(r.seats[1].final_confidence == 0.55);
        CHECK(r.round1_vote == Stance::bullish); // 1-1, 0.7 beats 0.6
        CHECK(r.final_vote == Stance::bullish);
        CHECK(r.vote_label == "2-0");
        CHECK(lines.cards[1].id == "three");
    }
    SECTION("bad lines are named by file and line") {
        auto error_of = [](const std::string& text) {
            std::istringstream in(card_line("ok", small_card()) + "\n" + text + "\n");
            score::CardLines lines;
            auto read = score::read_card_lines(in, "c.jsonl", lines);
            REQUIRE_FALSE(read);
            return read.error();
        };
        CHECK(error_of("{\"id\":\"x\",\"card\":") ==
              "c.jsonl:2: not valid JSON (a line of roundtable batch output was expected)");
        CHECK(error_of("{\"card\":{}}") == "c.jsonl:2: expected an object with a string \"id\" "
                                           "and a \"card\" (roundtable batch output)");
        CHECK(error_of("{\"id\":\"x\"}") ==
              "c.jsonl:2: expected a \"card\" or an \"error\" beside the id");
        CHECK(error_of("{\"id\":\"x\",\"card\":{\"schema\":\"other/v9\"}}") ==
              "c.jsonl:2: not a roundtable.card/v1 card: not a roundtable.card/v1 card");
        const std::string missing =
            error_of(R"({"id":"x","card":{"schema":"roundtable.card/v1"}})");
        CHECK(missing.starts_with("c.jsonl:2: not a roundtable.card/v1 card: "));
        CHECK(missing.find("'article' not found") != std::string::npos);
    }
}

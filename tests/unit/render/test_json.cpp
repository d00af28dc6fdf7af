#include "sample_card.hpp"

#include <catch2/catch.hpp>
#include <roundtable/render/render.hpp>
#include <string>

using namespace roundtable::render;
using roundtable::testing::sample_card;

TEST_CASE("json::render_json") {
    const auto card = sample_card(false, true);
    const std::string out = render_json(card);
    SECTION("the v1 contract, indented, with a trailing newline") {
        CHECK(out == roundtable::panel::to_json_text(card, 2) + "\n");
        CHECK(out.starts_with("{\n  \""));
        CHECK(out.find("\"schema\": \"roundtable.card/v1\"") != std::string::npos);
    }
    SECTION("round-trips through card_from_json_text") {
        const auto back = roundtable::panel::card_from_json_text(out);
        CHECK(render_json(back) == out);
        CHECK(back.article.title == card.article.title);
        CHECK(back.takes.at(0).headline ==
              "<script>alert('x')</script> cost cuts mask weak demand");
        CHECK(back.seats.at(3).error == "xai: HTTP 503 after 3 attempts");
        CHECK_FALSE(back.consensus.synthesized);
        CHECK(back.offline);
        CHECK(back.consensus.shifts.at(0).seat == "gpt");
    }
}

#include "sample_card.hpp"

#include <catch2/catch.hpp>
#include <roundtable/render/render.hpp>

using namespace roundtable::render;
using roundtable::testing::sample_card;

TEST_CASE("render::parse_format") {
    SECTION("known names") {
        CHECK(parse_format("text") == Format::text);
        CHECK(parse_format("markdown") == Format::markdown);
        CHECK(parse_format("md") == Format::markdown);
        CHECK(parse_format("json") == Format::json);
        CHECK(parse_format("html") == Format::html);
    }
    SECTION("anything else is rejected") {
        CHECK_FALSE(parse_format("").has_value());
        CHECK_FALSE(parse_format("JSON").has_value());
        CHECK_FALSE(parse_format("yaml").has_value());
    }
    SECTION("names round-trip") {
        for (Format f : {Format::text, Format::markdown, Format::json, Format::html}) {
            CHECK(parse_format(format_name(f)) == f);
        }
    }
}

TEST_CASE("render::render") {
    const auto card = sample_card();
    SECTION("dispatches on the format") {
        CHECK(render(card, {Format::text, false, 80}) == render_text(card, false, 80));
        CHECK(render(card, {Format::markdown, false, 80}) == render_markdown(card));
        CHECK(render(card, {Format::json, false, 80}) == render_json(card));
        CHECK(render(card, {Format::html, false, 80}) == render_html(card));
    }
    SECTION("colour and width apply to text only") {
        CHECK(render(card, {Format::markdown, true, 40}) == render_markdown(card));
        CHECK(render(card, {Format::text, true, 80}).find('\x1b') != std::string::npos);
    }
    SECTION("a tiny width is raised to 20") {
        CHECK(render(card, {Format::text, false, 3}) == render_text(card, false, 20));
    }
}

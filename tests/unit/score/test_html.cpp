#include "records.hpp"

#include <catch2/catch.hpp>
#include <roundtable/score/render.hpp>

using namespace roundtable;
using namespace roundtable::testing;

namespace {

std::size_t count(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
        ++n;
    }
    return n;
}

} // namespace

TEST_CASE("html::render_html") {
    auto records = sample_records();
    records[0].seats[0].seat = "a<b>"; // a seat name that needs escaping (its own seat row)
    const auto s = score::compute(records, sample_outcomes(), 0.01);
    const std::string page = score::render_html(s);

    SECTION("one standalone page: no script, nothing fetched") {
        CHECK(page.starts_with("<!DOCTYPE html>\n"));
        CHECK(page.ends_with("</html>\n"));
        CHECK(page.find("<script") == std::string::npos);
        CHECK(page.find("src=") == std::string::npos);
        CHECK(page.find("href=\"http") == std::string::npos);
    }
    SECTION("a reliability diagram per seat, with the diagonal and a dot per non-empty bin") {
        CHECK(count(page, "<svg class=\"reliability\"") == 4); // a<b>, b, c, a
        CHECK(count(page, "<line class=\"diagonal\"") == 4);
        // b has four answers in four bins; c two; "a<b>" one; a three.
        CHECK(count(page, "<circle class=\"bin\"") == 10);
        CHECK(page.find("<title>0.5-0.6: n=1, mean confidence 0.5500, accuracy 1.0000</title>") !=
              std::string::npos);
    }
    SECTION("round 1 vs final per seat and the panel, accuracy by agreement, the baseline") {
        CHECK(count(page, "<svg class=\"rounds\"") == 1);
        CHECK(count(page, "<svg class=\"agreement\"") == 1);
        CHECK(count(page, "<line class=\"baseline\"") == 2);
        CHECK(page.find("<title>panel vote final: 0.6667</title>") != std::string::npos);
        CHECK(page.find("<title>panel vote round 1: 1.0000</title>") != std::string::npos);
        CHECK(page.find("<title>2-1 accuracy: 1.0000</title>") != std::string::npos);
        CHECK(page.find("n=0, 1 split") != std::string::npos); // 1-1: abstained only
        CHECK(page.find("baseline (always bullish)") != std::string::npos);
    }
    SECTION("the table: seats, the panel and the baseline") {
        CHECK(page.find("<table class=\"score\">") != std::string::npos);
        CHECK(page.find("<tr><td>b</td><td>model-b</td><td class=\"num\">4</td><td "
                        "class=\"num\">0.7500</td><td class=\"num\">0.7500</td><td "
                        "class=\"num\">0.3006&ndash;0.9544</td><td "
                        "class=\"num\">0.4484</td></tr>") != std::string::npos);
        CHECK(page.find("<tr><td>baseline</td><td>always bullish</td><td class=\"num\">4</td>") !=
              std::string::npos);
        CHECK(page.find("toward the outcome") != std::string::npos);
    }
    SECTION("seat names are escaped") {
        CHECK(page.find("a&lt;b&gt;") != std::string::npos);
        CHECK(page.find("a<b>") == std::string::npos);
    }
    SECTION("the sections alone carry no page around them") {
        const std::string sections = score::html_sections(s);
        CHECK(sections.starts_with("<section class=\"score\" id=\"score\">"));
        CHECK(sections.find("<html") == std::string::npos);
        CHECK(page.find(sections) != std::string::npos);
        CHECK(page.find(score::html_style()) != std::string::npos);
    }
    SECTION("nothing scored still renders") {
        const std::string empty = score::render_html(score::compute({}, {}, 0.01));
        CHECK(empty.find("<p>nothing scored</p>") != std::string::npos);
        CHECK(empty.find("<svg class=\"rounds\"") != std::string::npos);
    }
}

#include <catch2/catch.hpp>
#include <fstream>
#include <roundtable/batch/report.hpp>
#include <sstream>
#include <support/temp_dir.hpp>

using namespace roundtable;
using roundtable::testing::TempDir;

namespace {

panel::Card card(std::string title, panel::Stance a, panel::Stance b) {
    panel::Card c;
    c.article.title = std::move(title);
    c.seats = {{"bull", "offline", "bull", true, "", "", {}},
               {"bear", "offline", "bear", true, "", "", {}}};
    panel::Take t1;
    t1.seat = "bull";
    t1.stance = a;
    panel::Take t2;
    t2.seat = "bear";
    t2.stance = b;
    t2.ungrounded = {"$9 billion"};
    c.takes = {t1, t2};
    c.consensus.stance = a;
    c.consensus.votes.add(a);
    c.consensus.votes.add(b);
    c.consensus.agreement = a == b ? 1.0 : 0.5;
    return c;
}

} // namespace

TEST_CASE("report::ReportBuilder") {
    batch::ReportBuilder report;
    report.add_card("one", card("First <story>", panel::Stance::bullish, panel::Stance::bullish));
    report.add_card("two", card("Second", panel::Stance::bearish, panel::Stance::bullish));
    batch::BatchTotals totals;
    totals.cards = 2;
    totals.stances = {{"bullish", 1}, {"bearish", 1}};

    SECTION("the page holds the chart, the matrix, the lean, the table and every card") {
        std::string page = report.page(totals);
        CHECK(page.find("<svg class=\"chart\"") != std::string::npos);
        CHECK(page.find("<table class=\"matrix\">") != std::string::npos);
        CHECK(page.find("<table class=\"lean\">") != std::string::npos);
        CHECK(page.find("<table class=\"cards\">") != std::string::npos);
        CHECK(page.find("<a href=\"#card-1\">one</a>") != std::string::npos);
        CHECK(page.find("<section class=\"full\" id=\"card-2\">") != std::string::npos);
        CHECK(page.find("First &lt;story&gt;") != std::string::npos);
        CHECK(page.find("First <story>") == std::string::npos);
        // bull and bear agreed on one card of two.
        CHECK(page.find(
                  "<tr><th>bull</th><td class=\"num\">100%</td><td class=\"num\">50%</td></tr>") !=
              std::string::npos);
        CHECK(page.find("src=\"http") == std::string::npos); // nothing fetched from the network
        CHECK(page.find("<script") == std::string::npos);
    }
    SECTION("write() writes the same page") {
        TempDir dir;
        auto path = (dir.path() / "r.html").string();
        REQUIRE(report.write(path, totals));
        std::ifstream in(path);
        std::ostringstream s;
        s << in.rdbuf();
        CHECK(s.str() == report.page(totals));
    }
    SECTION("add_sections() puts sections before the table of cards and their CSS in the head") {
        report.add_sections("<section id=\"extra\"><h2>Extra</h2></section>\n",
                            "section#extra{color:#123}");
        std::string page = report.page(totals);
        auto extra = page.find("<section id=\"extra\">");
        REQUIRE(extra != std::string::npos);
        CHECK(extra > page.find("<h2 id=\"ungrounded\">"));
        CHECK(extra < page.find("<h2 id=\"cards\">"));
        CHECK(page.find("section#extra{color:#123}") < page.find("</style>"));
    }
}

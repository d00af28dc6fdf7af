#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <roundtable/guard/grounding.hpp>
#include <string>
#include <vector>

using roundtable::guard::Claim;
using roundtable::guard::extract_claims;
using roundtable::guard::GroundingIndex;

namespace {

using Kind = Claim::Kind;

constexpr const char* k_article =
    "Acme Corp. reported revenue of $36.6 million for the quarter ended March 3, 2025, up 12 per "
    "cent from a "
    "year earlier. The company employs 1,200 people and expects margins of 18% to 22% in 2026. Its "
    "parent "
    "raised 1.5bn in bonds and plans $3-4 billion of capital spending. Chief executive Jane Doe "
    "said: "
    "\xE2\x80\x9CWe are seeing demand we have never seen before \xE2\x80\x94 across every "
    "region.\xE2\x80\x9D "
    "Exports rose 4.5 percent. Net debt stood at $2,450,000. \"It's a good start,\" she added.";

std::vector<std::string> texts(const std::vector<Claim>& claims) {
    std::vector<std::string> out;
    for (const Claim& claim : claims) {
        out.push_back(claim.text);
    }
    return out;
}

std::vector<Kind> kinds(const std::vector<Claim>& claims) {
    std::vector<Kind> out;
    for (const Claim& claim : claims) {
        out.push_back(claim.kind);
    }
    return out;
}

} // namespace

TEST_CASE("grounding::extract_claims") {
    SECTION("money in its usual spellings") {
        const auto claims = extract_claims(
            "Sales were $36.6 million ($36.6M), or 36.6 million dollars, i.e. $36,600,000; "
            "\xE2\x82\xAC"
            "2bn in Europe, \xC2\xA3"
            "5k in fees and USD 3 million elsewhere.");
        CHECK(texts(claims) == std::vector<std::string>{"$36.6 million", "$36.6M",
                                                        "36.6 million dollars", "$36,600,000",
                                                        "\xE2\x82\xAC"
                                                        "2bn",
                                                        "\xC2\xA3"
                                                        "5k",
                                                        "USD 3 million"});
        CHECK(kinds(claims) == std::vector<Kind>(7, Kind::money));
    }
    SECTION("percentages") {
        const auto claims =
            extract_claims("Up 12%, 12 percent, 12 per cent, 3.5 pct and 2 percentage points.");
        CHECK(texts(claims) == std::vector<std::string>{"12%", "12 percent", "12 per cent",
                                                        "3.5 pct", "2 percentage points"});
        CHECK(kinds(claims) == std::vector<Kind>(5, Kind::percent));
    }
    SECTION("figures, with trivial small whole numbers skipped") {
        const auto claims =
            extract_claims("It has 3 plants, 1,200 staff, 4.5 tonnes, 11 sites and 1.5bn users.");
        CHECK(texts(claims) == std::vector<std::string>{"1,200", "4.5", "11", "1.5bn"});
        CHECK(kinds(claims) == std::vector<Kind>(4, Kind::number));
    }
    SECTION("list markers, identifiers, ordinals and times are skipped") {
        const auto claims =
            extract_claims("1. Q3 sales of A320 jets rose 14%\n2) 5G at 10:30 on the 2nd\n"
                           "  3. version 1.2.3 in the 1990s");
        CHECK(texts(claims) == std::vector<std::string>{"14%"});
    }
    SECTION("ranges") {
        const auto claims =
            extract_claims("Margins of 18% to 22%, capex of $3-4 billion, growth of "
                           "18\xE2\x80\x93"
                           "22% and 2019-2020 results; 1-2 weeks.");
        CHECK(texts(claims) == std::vector<std::string>{"18% to 22%", "$3-4 billion",
                                                        "18\xE2\x80\x93"
                                                        "22%",
                                                        "2019-2020"});
        CHECK(kinds(claims) == std::vector<Kind>(4, Kind::range));
    }
    SECTION("dates and years") {
        const auto claims =
            extract_claims("On March 3, 2025, 3 March 2025, 2025-03-03, Mar. 3rd 2025, "
                           "March 2025 and May 5; in 2025 and 1999.");
        CHECK(texts(claims) == std::vector<std::string>{"March 3, 2025", "3 March 2025",
                                                        "2025-03-03", "Mar. 3rd 2025", "March 2025",
                                                        "May 5", "2025", "1999"});
        CHECK(kinds(claims) == std::vector<Kind>{Kind::date, Kind::date, Kind::date, Kind::date,
                                                 Kind::date, Kind::date, Kind::year, Kind::year});
    }
    SECTION("quoted phrases of three or more words, straight or curly") {
        const auto claims =
            extract_claims("She said \"demand is strong\" and \xE2\x80\x9Cwe will grow\xE2\x80\x9D "
                           "but not \"two words\" or \xE2\x80\x9Cone\xE2\x80\x9D.");
        CHECK(texts(claims) == std::vector<std::string>{"\"demand is strong\"",
                                                        "\xE2\x80\x9Cwe will grow\xE2\x80\x9D"});
        CHECK(kinds(claims) == std::vector<Kind>{Kind::quote, Kind::quote});
    }
    SECTION("a figure inside a quote is part of the quote") {
        const auto claims = extract_claims("He said \"sales rose 40% this year\" today.");
        CHECK(texts(claims) == std::vector<std::string>{"\"sales rose 40% this year\""});
    }
    SECTION("nothing to check") {
        CHECK(extract_claims("").empty());
        CHECK(extract_claims("Costs rose while 3 of 5 plants closed.").empty());
    }
}

TEST_CASE("grounding::GroundingIndex::contains_number") {
    const GroundingIndex index(k_article);
    SECTION("money written another way is found") {
        for (const char* figure : {"$36.6 million", "$36.6M", "36.6 million dollars", "$36,600,000",
                                   "36,600,000", "$36.6 mn", "US$36.6m", "$36.60 million"}) {
            INFO(figure);
            CHECK(index.contains_number(figure));
        }
    }
    SECTION("magnitudes: bn, billion and $ billion are one value") {
        for (const char* figure : {"1.5bn", "1.5 billion", "$1.5 billion", "$1.5B", "1,500 million",
                                   "$3 billion", "$4bn", "$3-4bn"}) {
            INFO(figure);
            CHECK(index.contains_number(figure));
        }
    }
    SECTION("percent, percent and per cent") {
        for (const char* figure :
             {"12%", "12 percent", "12 per cent", "12pc", "4.5%", "18%", "22 per cent"}) {
            INFO(figure);
            CHECK(index.contains_number(figure));
        }
    }
    SECTION("thousands separators") {
        CHECK(index.contains_number("1,200"));
        CHECK(index.contains_number("1200"));
        CHECK(index.contains_number("$2.45 million"));
        CHECK(index.contains_number("2450000"));
    }
    SECTION("ranges are found when both ends are") {
        CHECK(index.contains_number("18% to 22%"));
        CHECK(index.contains_number("18-22%"));
        CHECK(index.contains_number("18\xE2\x80\x93"
                                    "22 per cent"));
        CHECK_FALSE(index.contains_number("18% to 25%"));
        CHECK_FALSE(index.contains_number("$3-5 billion"));
    }
    SECTION("years and dates in any format") {
        CHECK(index.contains_number("2025"));
        CHECK(index.contains_number("2026"));
        CHECK_FALSE(index.contains_number("2027"));
        for (const char* date : {"March 3, 2025", "3 March 2025", "2025-03-03", "Mar 3rd, 2025",
                                 "March 2025", "March 3", "3rd of March"}) {
            INFO(date);
            CHECK(index.contains_number(date));
        }
        CHECK_FALSE(index.contains_number("March 4, 2025"));
        CHECK_FALSE(index.contains_number("2024-03-03"));
        CHECK_FALSE(index.contains_number("April 2025"));
    }
    SECTION("invented figures are not found") {
        for (const char* figure : {"$41 million", "$36.7 million", "$36.62 million", "36.6 billion",
                                   "13%", "$4.5", "1,300",
                                   "\xE2\x82\xAC"
                                   "36.6 million",
                                   "1,200%"}) {
            INFO(figure);
            CHECK_FALSE(index.contains_number(figure));
        }
    }
    SECTION("a figure rounded from the article's is found") {
        CHECK(index.contains_number("$37 million"));
        CHECK(index.contains_number("$2.5 million"));
        CHECK_FALSE(index.contains_number("$2 million")); // one significant digit: must be exact
    }
    SECTION("money matches a plain figure only at the same magnitude") {
        const GroundingIndex plain("The ratio was 1.5 times, and 2.4 million users signed up.");
        CHECK(plain.contains_number("1.5"));
        CHECK_FALSE(plain.contains_number("$1.5 billion"));
        CHECK_FALSE(plain.contains_number("1.5bn"));
        CHECK(plain.contains_number("$2.4 million"));
        CHECK(plain.contains_number("2,400,000"));
    }
    SECTION("text without a figure") {
        CHECK_FALSE(index.contains_number(""));
        CHECK_FALSE(index.contains_number("many"));
    }
}

TEST_CASE("grounding::GroundingIndex::contains_quote") {
    const GroundingIndex index(k_article);
    SECTION("found whatever the case, quotes and dashes") {
        CHECK(index.contains_quote("We are seeing demand we have never seen before"));
        CHECK(index.contains_quote("\xE2\x80\x9Cwe are SEEING demand\xE2\x80\x9D"));
        CHECK(index.contains_quote("never seen before - across every region."));
        CHECK(index.contains_quote("never seen before \xE2\x80\x93 across   every\nregion"));
        CHECK(index.contains_quote("it\xE2\x80\x99s a good start"));
    }
    SECTION("an ellipsis joins fragments found in order") {
        CHECK(index.contains_quote("We are seeing demand \xE2\x80\xA6 across every region"));
        CHECK(index.contains_quote("We are seeing demand ... across every region"));
        CHECK_FALSE(index.contains_quote("across every region ... we are seeing demand"));
    }
    SECTION("an invented quote, or one with other punctuation, is not found") {
        CHECK_FALSE(index.contains_quote("We are seeing record demand"));
        CHECK_FALSE(index.contains_quote("we are seeing demand, we have never seen before"));
        CHECK_FALSE(index.contains_quote(""));
        CHECK_FALSE(index.contains_quote("\" ... \""));
    }
}

TEST_CASE("grounding::GroundingIndex::contains_evidence") {
    const GroundingIndex index(k_article);
    SECTION("punctuation and case differences are tolerated") {
        CHECK(index.contains_evidence(
            "we are seeing demand, we have never seen before across every region"));
        CHECK(
            index.contains_evidence("Revenue of $36.6 million for the quarter ended March 3 2025"));
        CHECK(index.contains_evidence("It's a good start"));
    }
    SECTION("an ellipsis between fragments") {
        CHECK(index.contains_evidence("Acme Corp reported revenue\xE2\x80\xA6 up 12 per cent"));
        CHECK_FALSE(index.contains_evidence("up 12 per cent... Acme Corp reported revenue"));
    }
    SECTION("whole words only; invented evidence is not found") {
        CHECK_FALSE(index.contains_evidence("cme corp reported"));
        CHECK_FALSE(index.contains_evidence("profits tripled overnight"));
    }
}

TEST_CASE("grounding::GroundingIndex::ungrounded") {
    const GroundingIndex index(k_article);
    SECTION("grounded claims written differently are not flagged") {
        CHECK(index
                  .ungrounded(
                      "Revenue hit $36,600,000 (36.6M dollars) on 2025-03-03, up 12%; 1200 staff; "
                      "margins 18-22 per cent in 2026; bonds of $1.5 billion; CEO: \xE2\x80\x9Cwe "
                      "are seeing "
                      "demand \xE2\x80\xA6 across every region\xE2\x80\x9D.")
                  .empty());
    }
    SECTION("invented figures and quotes are flagged as written, once each") {
        const auto flagged =
            index.ungrounded("Revenue hit $36.6M, up 12 percent. We expect $41 million in 2027 and "
                             "\"a record-breaking fourth "
                             "quarter\"; again $41 million, and margins of 18% to 25%.");
        CHECK(flagged == std::vector<std::string>{"$41 million", "2027",
                                                  "\"a record-breaking fourth quarter\"",
                                                  "18% to 25%"});
    }
    SECTION("evidence quotes are checked too") {
        const auto flagged =
            index.ungrounded("Demand is broad.", {"We are seeing demand ... across every region",
                                                  "  ", "profits tripled overnight"});
        CHECK(flagged == std::vector<std::string>{"profits tripled overnight"});
    }
    SECTION("check counts what it looked up") {
        const auto report =
            index.check("Up 12% to $41 million on March 3, 2025.", {"Exports rose 4.5 percent"});
        CHECK(report.checked == 4);
        REQUIRE(report.ungrounded.size() == 1);
        CHECK(report.ungrounded[0].text == "$41 million");
        CHECK(report.ungrounded[0].kind == Kind::money);
    }
    SECTION("contains dispatches on the claim's kind") {
        CHECK(index.contains(Claim{Kind::money, "$36.6M"}));
        CHECK_FALSE(index.contains(Claim{Kind::money, "$41M"}));
        CHECK(index.contains(Claim{Kind::quote, "\"we are seeing demand\""}));
        CHECK(index.contains(Claim{Kind::evidence, "seeing demand, we have"}));
        CHECK_FALSE(index.contains(Claim{Kind::quote, "seeing demand, we have"}));
    }
    SECTION("an empty article grounds nothing") {
        const GroundingIndex empty("");
        CHECK(empty.ungrounded("Sales of $5 million.") == std::vector<std::string>{"$5 million"});
        CHECK(empty.ungrounded("").empty());
    }
}

TEST_CASE("grounding::GroundingIndex performance") {
    // A 1 MiB article and an output with 200 claims: timed and printed, not asserted.
    std::string article;
    int paragraphs = 0;
    while (article.size() < 1024 * 1024) {
        const int i = paragraphs++;
        article += "Segment " + std::to_string(i) + " reported sales of $" + std::to_string(i) +
                   "." + std::to_string(i % 10) + " million, a " + std::to_string(i % 90 + 1) +
                   ".5% rise, on March " + std::to_string(i % 28 + 1) +
                   ", 2024. \xE2\x80\x9CQuote number " + std::to_string(i) +
                   " is right here.\xE2\x80\x9D\n";
    }
    std::string output;
    for (int i = 0; i < 100; ++i) {
        output += "Sales of $" + std::to_string(i + 100) + "." + std::to_string((i + 100) % 10) +
                  " million. ";
    }
    for (int i = 0; i < 50; ++i) {
        output += "A made-up $9" + std::to_string(i) + "7.3 billion. ";
    }
    for (int i = 0; i < 25; ++i) {
        output += "They said \"quote number " + std::to_string(i * 7) + " is right here\". ";
    }
    for (int i = 0; i < 25; ++i) {
        output += "They said \"an invented quote " + std::to_string(i) + " nowhere\". ";
    }
    REQUIRE(article.size() >= 1024 * 1024);
    REQUIRE(extract_claims(output).size() == 200);

    const auto start = std::chrono::steady_clock::now();
    const GroundingIndex index(article);
    const auto built = std::chrono::steady_clock::now();
    const auto report = index.check(output);
    const auto done = std::chrono::steady_clock::now();
    using std::chrono::duration_cast;
    using std::chrono::microseconds;
    std::fprintf(
        stderr, "grounding: index of %zu bytes in %lld us, 200 claims checked in %lld us\n",
        article.size(), static_cast<long long>(duration_cast<microseconds>(built - start).count()),
        static_cast<long long>(duration_cast<microseconds>(done - built).count()));
    CHECK(report.checked == 200);
    CHECK(report.ungrounded.size() == 75);
}

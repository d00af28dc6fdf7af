#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <fmt/format.h>
#include <roundtable/guard/grounding.hpp>
#include <string>
#include <vector>

using roundtable::guard::Claim;
using roundtable::guard::extract_claims;
using roundtable::guard::Finding;
using roundtable::guard::GroundingIndex;
using roundtable::guard::Match;
using roundtable::guard::match_name;

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
    SECTION("list markers, ordinals and times are skipped; identifiers are their own kind") {
        const auto claims =
            extract_claims("1. Q3 sales of A320 jets rose 14%\n2) 5G at 10:30 on the 2nd\n"
                           "  3. version 1.2.3 in the 1990s, with SLV-208 and grok-4");
        CHECK(texts(claims) == std::vector<std::string>{"Q3", "A320", "14%", "SLV-208", "grok-4"});
        CHECK(kinds(claims) == std::vector<Kind>{Kind::identifier, Kind::identifier, Kind::percent,
                                                 Kind::identifier, Kind::identifier});
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

namespace {

// One claim of a house-style table: as a seat writes it, and how it must
// match (Match::not_found: an invented or changed figure that must be flagged).
struct Case {
    const char* claim;
    Match match;
};

struct Style {
    const char* name;
    const char* article;
    std::vector<Case> cases;
};

// Checks every case of `style` as a one-claim output and prints precision and
// recall of the flags (flagged = not found; relevant = invented).
void check_style(const Style& style) {
    const GroundingIndex index(style.article);
    int flagged_invented = 0;
    int flagged_genuine = 0;
    int missed_invented = 0;
    int found_genuine = 0;
    for (const Case& c : style.cases) {
        INFO(style.name << ": \"" << c.claim << "\"");
        const auto report = index.check(c.claim);
        REQUIRE(report.findings.size() == 1);
        const Finding& finding = report.findings[0];
        INFO("article: \"" << finding.article << "\"");
        CHECK(match_name(finding.match) == match_name(c.match));
        const bool flagged = finding.match == Match::not_found;
        CHECK(report.ungrounded.size() == (flagged ? 1U : 0U));
        if (c.match == Match::not_found) {
            ++(flagged ? flagged_invented : missed_invented);
        } else {
            ++(flagged ? flagged_genuine : found_genuine);
            CHECK_FALSE(finding.article.empty());
        }
    }
    const auto ratio = [](int a, int b) { return b == 0 ? 1.0 : static_cast<double>(a) / b; };
    std::fprintf(stderr,
                 "grounding %-9s %2d genuine (%2d found), %2d invented (%2d flagged): "
                 "precision %.2f, recall %.2f\n",
                 style.name, found_genuine + flagged_genuine, found_genuine,
                 flagged_invented + missed_invented, flagged_invented,
                 ratio(flagged_invented, flagged_invented + flagged_genuine),
                 ratio(flagged_invented, flagged_invented + missed_invented));
    CHECK(flagged_genuine == 0);
    CHECK(missed_invented == 0);
    CHECK(flagged_invented > 0);
}

constexpr Match k_flag = Match::not_found;

} // namespace

TEST_CASE("grounding::house styles") {
    SECTION("US: $1.2 billion, 12%, cents, basis points, month-first dates") {
        check_style(
            {"US",
             "Halvorsen Foods said on Thursday that net income rose 12% to $1.2 billion, or $2.41 "
             "a share, for the quarter ended April 29. Revenue was $8.75 billion, up from $7.9 "
             "billion a year earlier. The company expects sales growth of 5-7% next year and "
             "authorized a $500 million buyback. Shares rose 4.3% to $86.12 in after-hours "
             "trading. About a fifth of revenue came from Canada. The board declared a dividend "
             "of 42 cents a share, payable 06/15/2025. The gross margin widened by 150 basis "
             "points to 38.2%. The quarter had 13 weeks.",
             {
                 {"29", Match::date_part},
                 {"$1.2bn", Match::normalized_number},
                 {"1.2 billion dollars", Match::normalized_number},
                 {"12 per cent", Match::normalized_number},
                 {"$2.41", Match::exact_text},
                 {"US$8.75bn", Match::normalized_number},
                 {"$86.1", Match::rounded_number},
                 {"7%", Match::exact_text},
                 {"5%", Match::normalized_number},
                 {"$0.5 billion", Match::normalized_number},
                 {"$500m", Match::normalized_number},
                 {"20%", Match::equivalent_unit},
                 {"$0.42", Match::equivalent_unit},
                 {"15 June 2025", Match::normalized_date},
                 {"1.5 percentage points", Match::equivalent_unit},
                 {"38.2 per cent", Match::normalized_number},
                 {"4.3 percent", Match::normalized_number},
                 {"13", Match::exact_text},
                 {"$1.2 million", k_flag},
                 {"13%", k_flag},
                 {"$8.57 billion", k_flag},
                 {"April 28", k_flag},
                 {"$1.5 billion", k_flag},
                 {"200 basis points", k_flag},
                 {"25%", k_flag},
                 {"43 cents", k_flag},
                 {"$2.14", k_flag},
             }});
    }
    SECTION("UK: £312.5m, 6.2 per cent, 142p, 4.1p a share, day-first dates") {
        check_style(
            {"UK",
             "Brackwell plc, the FTSE 250 housebuilder, reported pre-tax profit of \xC2\xA3"
             "312.5m for the year to 31 March, up 6.2 per cent. Revenue rose to \xC2\xA3"
             "2.1bn. The board proposed a final dividend of 4.1p a share, taking the total for "
             "the year to 12.3p. The shares closed at 142p, and the group is worth \xC2\xA3"
             "41m more than in January. Net debt fell by a third to \xC2\xA3"
             "88m. Completions rose 19 per cent to 3,412 homes at an average price of \xC2\xA3"
             "286,000. The Bank of England's rise of 25 basis points weighed on demand.",
             {
                 {"312.5 million pounds", Match::normalized_number},
                 {"GBP 312.5 million", Match::normalized_number},
                 {"6.2%", Match::normalized_number},
                 {"\xC2\xA3"
                  "1.42",
                  Match::equivalent_unit},
                 {"4.1 pence", Match::normalized_number},
                 {"142", Match::without_unit},
                 {"\xC2\xA3"
                  "2.1 billion",
                  Match::normalized_number},
                 {"41 million", Match::without_unit},
                 {"41", Match::without_unit},
                 {"33%", Match::equivalent_unit},
                 {"19%", Match::normalized_number},
                 {"3412", Match::exact_text},
                 {"\xC2\xA3"
                  "286k",
                  Match::normalized_number},
                 {"0.25 percentage points", Match::equivalent_unit},
                 {"March 31", Match::normalized_date},
                 {"FTSE 250", Match::exact_text},
                 {"12.3 pence", Match::normalized_number},
                 {"\xC2\xA3"
                  "312.5bn",
                  k_flag},
                 {"6.5%", k_flag},
                 {"$312.5 million", k_flag},
                 {"\xC2\xA3"
                  "1.52",
                  k_flag},
                 {"4.2p", k_flag},
                 {"3,421", k_flag},
                 {"FTSE 100", k_flag},
                 {"\xC2\xA3"
                  "88bn",
                  k_flag},
                 {"25%", k_flag},
             }});
    }
    SECTION("euro area: decimal commas, dotted thousands, day-first numeric dates") {
        check_style(
            {"euro area",
             "Vellacourt AG said on 29.04.2025 that first-quarter revenue rose 8,5 % to "
             "\xE2\x82\xAC"
             "2,09 billion. Net profit reached \xE2\x82\xAC"
             "612,4 million, and the equity ratio stood at 52,4 %, against 49,8 % a year "
             "earlier. The shares closed at \xE2\x82\xAC"
             "61,24 in Frankfurt. The group employs 12.480 people and will invest EUR 1.250 "
             "million in its plants by 2027. The dividend rises to \xE2\x82\xAC"
             "1,15 per share, and \xE2\x82\xAC"
             "612.40 is set aside for each employee.",
             {
                 {"April 29, 2025", Match::normalized_date},
                 {"29 April", Match::date_part},
                 {"8.5%", Match::normalized_number},
                 {"\xE2\x82\xAC"
                  "2.09bn",
                  Match::normalized_number},
                 {"2.09 billion euros", Match::normalized_number},
                 {"EUR 612.4 million", Match::normalized_number},
                 {"52.4 per cent", Match::normalized_number},
                 {"52,4 %", Match::exact_text},
                 {"49.8%", Match::normalized_number},
                 {"\xE2\x82\xAC"
                  "61.24",
                  Match::exact_text},
                 {"\xE2\x82\xAC"
                  "612.40",
                  Match::exact_text},
                 {"612.4 euros", Match::normalized_number},
                 {"12,480", Match::normalized_number},
                 {"\xE2\x82\xAC"
                  "1.25 billion",
                  Match::normalized_number},
                 {"Q1", Match::identifier},
                 {"2027", Match::exact_text},
                 {"1.15 euros", Match::normalized_number},
                 {"\xE2\x82\xAC"
                  "2.09 million",
                  k_flag},
                 {"8.4%", k_flag},
                 {"\xE2\x82\xAC"
                  "61.42",
                  k_flag},
                 {"$612.4 million", k_flag},
                 {"Q2", k_flag},
                 {"April 30, 2025", k_flag},
                 {"53.4%", k_flag},
             }});
    }
    SECTION("wire services: EUR 5.1 mn, EUR21m, USD 36.8 m, a broken EUR1 .2 m") {
        check_style(
            {"wire",
             "FRANKFURT, May 6 (Wire) - Ostrava Energie posted a first-quarter net profit of EUR "
             "5.1 mn, against EUR21m a year earlier, while revenue fell to USD 36.8 m. It plans "
             "capex of EUR1 .2 m this year. The operating margin was 4.7 pct. Shares were down "
             "2.3 pct at 1012 GMT. The company won an order for SLV-208 turbines worth GBP 3.4 "
             "mln.",
             {
                 {"\xE2\x82\xAC"
                  "5.1 million",
                  Match::normalized_number},
                 {"5.1m euros", Match::normalized_number},
                 {"\xE2\x82\xAC"
                  "21 million",
                  Match::normalized_number},
                 {"$36.8 million", Match::normalized_number},
                 {"\xE2\x82\xAC"
                  "1.2 million",
                  Match::normalized_number},
                 {"EUR1 .2 m", Match::exact_text},
                 {"4.7%", Match::normalized_number},
                 {"2.3 per cent", Match::normalized_number},
                 {"SLV-208", Match::exact_text},
                 {"SLV208", Match::identifier},
                 {"208", Match::identifier},
                 {"\xC2\xA3"
                  "3.4m",
                  Match::normalized_number},
                 {"May 6", Match::exact_text},
                 {"Q1", Match::identifier},
                 {"\xE2\x82\xAC"
                  "5.1 billion",
                  k_flag},
                 {"EUR 21bn", k_flag},
                 {"$36.8", k_flag},
                 {"\xE2\x82\xAC"
                  "1.3 million",
                  k_flag},
                 {"SLV-209", k_flag},
                 {"4.9%", k_flag},
                 {"$3.4 million", k_flag},
             }});
    }
}

TEST_CASE("grounding::a number inside a date, a range or an identifier is found") {
    const GroundingIndex index(
        "For the quarter ended April 29, revenue fell 3% and margins were 5-10 % lower. The "
        "order for SLV-208 trucks was signed on March 3, 2025, and the range of prices moved "
        "between 5 and 12 per cent.");
    SECTION("the day of a date: the false alarm of the issue") {
        const auto report = index.check("The quarter ended on the 29, and sales fell 3%.");
        CHECK(report.ungrounded.empty());
        REQUIRE(report.findings.size() == 2);
        CHECK(report.findings[0].claim.text == "29");
        CHECK(report.findings[0].match == Match::date_part);
        CHECK(report.findings[0].article == "April 29");
    }
    SECTION("the year of a date, and a month-year inside a full date") {
        const auto year = index.find(Claim{Kind::year, "2025"});
        CHECK(year.match == Match::date_part);
        CHECK(year.article == "March 3, 2025");
        CHECK(index.find(Claim{Kind::date, "March 2025"}).match == Match::date_part);
        CHECK(index.find(Claim{Kind::date, "3 March 2025"}).match == Match::normalized_date);
    }
    SECTION("a day that is in no date is flagged") {
        CHECK(index.ungrounded("The quarter ended on the 30.") == std::vector<std::string>{"30"});
        CHECK(index.ungrounded("The quarter ended on April 30.") ==
              std::vector<std::string>{"April 30"});
    }
    SECTION("either end of a range") {
        CHECK(index.find(Claim{Kind::percent, "10%"}).match == Match::normalized_number);
        CHECK(index.find(Claim{Kind::percent, "5 per cent"}).match == Match::normalized_number);
        CHECK(index.find(Claim{Kind::percent, "12%"}).match == Match::normalized_number);
        CHECK(index.find(Claim{Kind::range, "5% to 12%"}).match == Match::normalized_number);
        CHECK(index.ungrounded("Margins were 10-15% lower.") == std::vector<std::string>{"10-15%"});
    }
}

TEST_CASE("grounding::identifiers are matched as text, never as numbers") {
    const GroundingIndex index(
        "Corvane recalled its SLV-208 pickups in the third quarter, and the A320 order was "
        "confirmed for fiscal 2026. The S&P 500 fell 1.2%.");
    SECTION("identifiers the article holds are found, however hyphenated") {
        for (const auto& [claim, match] :
             std::vector<std::pair<const char*, Match>>{{"SLV-208", Match::exact_text},
                                                        {"slv208", Match::identifier},
                                                        {"Q3", Match::identifier},
                                                        {"FY26", Match::identifier},
                                                        {"FY2026", Match::identifier},
                                                        {"A320", Match::exact_text},
                                                        {"S&P 500", Match::exact_text}}) {
            INFO(claim);
            CHECK(match_name(index.find(Claim{Kind::identifier, claim}).match) ==
                  match_name(match));
        }
    }
    SECTION("identifiers of families the article never uses are skipped, not flagged") {
        const auto report = index.check(
            "As grok-4 and GPT-5 see it, COVID-19 hit the FTSE 100 and H1 sales of the A321; "
            "SLV-209 is invented, Q4 too, and so is the S&P 400.");
        std::vector<std::string> checked;
        for (const Finding& finding : report.findings) {
            checked.push_back(finding.claim.text);
        }
        CHECK(checked == std::vector<std::string>{"A321", "SLV-209", "Q4", "S&P 400"});
        CHECK(report.checked == 4);
        for (const Claim& claim : report.ungrounded) {
            CHECK(claim.kind == Kind::identifier);
        }
        CHECK(report.ungrounded.size() == 4);
    }
    SECTION("the number inside an identifier is not a figure of its own") {
        CHECK(index.ungrounded("COVID-19 and grok-4 aside, the index fell 1.2%.").empty());
        CHECK(index.find(Claim{Kind::number, "208"}).match == Match::identifier);
    }
    SECTION("a year after a prefix word stays a year") {
        CHECK(index.contains_number("mid-2026"));
        CHECK(index.ungrounded("Sales rebound by mid-2027.") == std::vector<std::string>{"2027"});
    }
}

TEST_CASE("grounding::magnitudes and changed figures stay flagged") {
    const GroundingIndex index("Net income was $400.3 million, and the unit earned "
                               "\xC2\xA3"
                               "41m on sales of 2.4 million units.");
    SECTION("a magnitude the article does not give") {
        for (const char* claim : {"$400.3", "$400.3 billion", "$400.3 thousand", "$400,300",
                                  "\xC2\xA3"
                                  "41",
                                  "\xC2\xA3"
                                  "41bn",
                                  "2.4 billion units"}) {
            INFO(claim);
            CHECK(index.find(Claim{Kind::money, claim}).match == Match::not_found);
        }
    }
    SECTION("a changed figure, currency or precision") {
        for (const char* claim : {"$400.4 million", "$403 million", "$400.35 million",
                                  "\xE2\x82\xAC"
                                  "400.3 million",
                                  "$41m", "42 million pounds"}) {
            INFO(claim);
            CHECK(index.find(Claim{Kind::money, claim}).match == Match::not_found);
        }
    }
    SECTION("the figure without its unit, or rounded, is found") {
        CHECK(index.find(Claim{Kind::number, "400.3"}).match == Match::without_unit);
        CHECK(index.find(Claim{Kind::number, "400.3 million"}).match == Match::without_unit);
        CHECK(index.find(Claim{Kind::money, "$400 million"}).match == Match::rounded_number);
        CHECK(index.find(Claim{Kind::money, "41 million pounds"}).match ==
              Match::normalized_number);
        CHECK(index.find(Claim{Kind::money, "$2.4 million"}).match == Match::normalized_number);
    }
}

TEST_CASE("grounding::names") {
    CHECK(roundtable::guard::kind_name(Kind::identifier) == "identifier");
    CHECK(roundtable::guard::kind_name(Kind::evidence) == "evidence");
    CHECK(match_name(Match::date_part) == "date_part");
    CHECK(match_name(Match::not_found) == "not_found");
    const GroundingIndex index("Sales rose 5% on June 2, 2025: \"we are pleased with it\".");
    const auto report = index.check("Sales rose 5 per cent, \"we are pleased\" they said.",
                                    {"Sales rose 5%, on June 2 2025"});
    REQUIRE(report.findings.size() == 3);
    CHECK(report.findings[0].match == Match::normalized_number);
    CHECK(report.findings[0].article == "5%");
    CHECK(report.findings[1].match == Match::exact_text);
    CHECK(report.findings[1].article.empty());
    CHECK(report.findings[2].claim.kind == Kind::evidence);
    CHECK(report.findings[2].match == Match::loose_text);
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

TEST_CASE("grounding::GroundingIndex on a storm of numbers, dates and identifiers") {
    // 1 MiB of nothing but figures in every house style: printed, not timed; what is
    // asserted is that every one of them is still found, and a changed one is not.
    std::string article;
    int i = 0;
    while (article.size() < 1024 * 1024) {
        ++i;
        article += std::to_string(i) + "," + std::to_string(i % 900 + 100) + " $" +
                   std::to_string(i % 97) + ".5bn " + std::to_string(i % 50) + ",5 % " +
                   std::to_string(i % 28 + 1) + ".04.20" + std::to_string(10 + i % 80) + " April " +
                   std::to_string(i % 28 + 1) + ", 2025 EUR" + std::to_string(i) + "m " +
                   std::to_string(i % 300) + "p SLV-" + std::to_string(i) + " a fifth ";
    }
    const auto start = std::chrono::steady_clock::now();
    const GroundingIndex index(article);
    const auto built = std::chrono::steady_clock::now();
    const auto report = index.check("Figures: 1,234, $96.5 billion, 49.5%, "
                                    "\xE2\x82\xAC"
                                    "4 million, 28 April 2089, \xC2\xA3"
                                    "2.99, SLV-9999, 20%, and the changed $97.5bn and 50.5%.");
    const auto done = std::chrono::steady_clock::now();
    std::fprintf(stderr,
                 "grounding: storm of %d figure groups (%zu bytes) indexed in %lld us, "
                 "checked in %lld us\n",
                 i, article.size(),
                 static_cast<long long>(
                     std::chrono::duration_cast<std::chrono::microseconds>(built - start).count()),
                 static_cast<long long>(
                     std::chrono::duration_cast<std::chrono::microseconds>(done - built).count()));
    std::vector<std::string> flagged;
    for (const Claim& claim : report.ungrounded) {
        flagged.push_back(claim.text);
    }
    CHECK(report.checked == 10);
    CHECK(flagged == std::vector<std::string>{"$97.5bn", "50.5%"});
}

TEST_CASE("grounding::GroundingIndex::check bounds the claims it looks up") {
    const GroundingIndex index(k_article);
    std::string output;
    for (std::size_t i = 0; i < 3 * roundtable::guard::k_max_claims_checked; ++i) {
        output += fmt::format("Sales were ${}.{} million. ", 100 + i, i % 10);
    }
    const auto report = index.check(output, {"Exports rose 4.5 percent"});
    CHECK(report.checked == roundtable::guard::k_max_claims_checked);
    CHECK(report.skipped == 2 * roundtable::guard::k_max_claims_checked + 1);
    CHECK(report.ungrounded.size() == roundtable::guard::k_max_claims_checked);

    const auto few = index.check("Up 12% to $41 million.", {"Exports rose 4.5 percent"});
    CHECK(few.skipped == 0);
    CHECK(few.checked == 3);
}
